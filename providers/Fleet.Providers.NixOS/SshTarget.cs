using System.Collections.Immutable;

namespace Fleet.Providers.NixOS;

/// <summary>How to reach a node: host, port, user, extra OpenSSH options and an optional pinned host key.</summary>
public sealed record SshTarget(string Host, int? Port, string User, ImmutableArray<string> Options, string? HostKey)
{
    public string Destination => $"{User}@{Host}";

    public bool IsRoot => User == "root";

    public override string ToString() => Port is { } p ? $"{Destination}:{p}" : Destination;
}
