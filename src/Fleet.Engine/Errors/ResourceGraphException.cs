namespace Fleet.Engine.Errors;

/// <summary>The evaluated graph is not valid: each problem names the resource and the field.</summary>
public sealed class ResourceGraphException : FleetException
{
    public ResourceGraphException()
    {
    }

    public ResourceGraphException(string message)
        : base(message)
    {
    }

    public ResourceGraphException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ResourceGraphException(IReadOnlyList<string> problems)
        : base("the resource graph is not valid:\n" + string.Join('\n', problems.Select(p => "  - " + p)))
    {
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; } = [];
}
