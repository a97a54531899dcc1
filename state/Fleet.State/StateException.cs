namespace Fleet.State;

/// <summary>
/// A state problem the user can act on (locked, written by a newer fleet, unreadable).
/// The CLI prints its message as one paragraph without a stack trace.
/// </summary>
public class StateException : Exception
{
    public StateException()
    {
    }

    public StateException(string message)
        : base(message)
    {
    }

    public StateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
