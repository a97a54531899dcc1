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

    /// <summary>The message and the diagnostics it does not already say (a provider's one error diagnostic is usually its message).</summary>
    private static string WithDiagnostics(string message, ImmutableArray<Diagnostic> diagnostics)
    {
        var news = diagnostics.IsDefaultOrEmpty ? [] : diagnostics.Where(d => d.Field is not null || !message.Contains(d.Message, StringComparison.Ordinal)).ToList();
        return news.Count == 0 ? message : message + "\n" + string.Join('\n', news.Select(d => "  - " + d));
    }
}
