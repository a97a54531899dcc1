namespace Fleet.Agent.Activation;

/// <summary>Another activation holds the node's activation lock (exit code 75).</summary>
public sealed class ActivationBusyException : Exception
{
    public ActivationBusyException()
    {
    }

    public ActivationBusyException(string message)
        : base(message)
    {
    }

    public ActivationBusyException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
