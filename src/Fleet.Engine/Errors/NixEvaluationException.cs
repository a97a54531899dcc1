namespace Fleet.Engine.Errors;

/// <summary>Nix could not evaluate the fleet; the message is nix's own, with its file and position.</summary>
public sealed class NixEvaluationException : FleetException
{
    public NixEvaluationException()
    {
    }

    public NixEvaluationException(string message)
        : base(message)
    {
    }

    public NixEvaluationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public NixEvaluationException(string entry, string nixMessage)
        : base($"evaluating {entry} failed:\n{nixMessage}")
    {
        NixMessage = nixMessage;
    }

    public string? NixMessage { get; }
}
