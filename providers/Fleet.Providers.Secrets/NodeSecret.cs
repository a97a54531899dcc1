namespace Fleet.Providers.Secrets;

/// <summary>A secret file as the node's agent reports it: never its content, only a salted digest of it.</summary>
public sealed record NodeSecret(bool Exists, string? Owner, string? Group, string? Mode, string? Digest, bool PendingOwner);
