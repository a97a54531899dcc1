using System.Collections.Immutable;
using Fleet.Engine.Errors;
using Fleet.Protocol;

namespace Fleet.Engine.Providers;

/// <summary>A provider failed a call, or could not be started or spoken to; names the provider and the resource.</summary>
public sealed class ProviderException : FleetException
{
    public ProviderException()
    {
    }

    public ProviderException(string message)
        : base(message)
    {
    }

    public ProviderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ProviderException(string provider, string? resourceId, string message, ImmutableArray<Diagnostic> diagnostics = default, Exception? innerException = null)
        : base(WithDiagnostics(message, diagnostics), innerException!)
    {
        Provider = provider;
        ResourceId = resourceId;
        Diagnostics = diagnostics.IsDefault ? [] : diagnostics;
    }

    public string Provider { get; } = "";

    public string? ResourceId { get; }

    public ImmutableArray<Diagnostic> Diagnostics { get; } = [];

    public override int ExitCode => 1;

    private static string WithDiagnostics(string message, ImmutableArray<Diagnostic> diagnostics) =>
        diagnostics.IsDefaultOrEmpty || (diagnostics.Length == 1 && diagnostics[0].Message == message)
            ? message
            : message + "\n" + string.Join('\n', diagnostics.Select(d => "  - " + d));
}
