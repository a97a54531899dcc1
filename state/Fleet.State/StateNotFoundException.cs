namespace Fleet.State;

/// <summary>There is no state database at the path, and the caller asked not to create one.</summary>
public sealed class StateNotFoundException : StateException
{
    public StateNotFoundException()
    {
    }

    public StateNotFoundException(string message)
        : base(message)
    {
    }

    public StateNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StateNotFoundException(string path, bool directoryMissing)
        : base(directoryMissing
            ? $"the fleet state {path} cannot be used: its directory {System.IO.Path.GetDirectoryName(path)} does not exist (check --state or FLEET_STATE; fleet creates a state only in an existing directory)"
            : $"there is no fleet state at {path}")
    {
        Path = path;
        DirectoryMissing = directoryMissing;
    }

    public string? Path { get; }

    /// <summary>The database's directory is missing too: most likely a mistyped path.</summary>
    public bool DirectoryMissing { get; }
}
