using System.Collections.Immutable;

namespace Fleet.Protocol;

/// <summary>Thrown by a <see cref="ResourceHandler"/> to fail one call with diagnostics (error code -32000).</summary>
public sealed class ResourceFailedException : Exception
{
    public ResourceFailedException()
    {
    }

    public ResourceFailedException(string message)
        : this(message, [new Diagnostic(Diagnostic.Error, message, null)])
    {
    }

    public ResourceFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Diagnostics = [new Diagnostic(Diagnostic.Error, message, null)];
    }

    public ResourceFailedException(string message, ImmutableArray<Diagnostic> diagnostics)
        : base(message)
    {
        Diagnostics = diagnostics;
    }

    public ImmutableArray<Diagnostic> Diagnostics { get; } = [];
}
