namespace Fleet.State;

/// <summary>What <see cref="StateStore.OpenAsync(string, StateCreation, CancellationToken)"/> may create when the state is missing.</summary>
public enum StateCreation
{
    /// <summary>Nothing: a missing database is an error (reading verbs).</summary>
    None,

    /// <summary>The database and its key, in a directory that must already exist (an explicit --state path).</summary>
    File,

    /// <summary>The database, its key and the directory (the fleet's own default .fleet/).</summary>
    FileAndDirectory,
}
