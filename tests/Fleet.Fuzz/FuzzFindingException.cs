namespace Fleet.Fuzz;

/// <summary>A parser broke a promise without throwing (an unanswered request, a value that did not survive a round trip).</summary>
public sealed class FuzzFindingException : Exception
{
    public FuzzFindingException()
    {
    }

    public FuzzFindingException(string message)
        : base(message)
    {
    }

    public FuzzFindingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
