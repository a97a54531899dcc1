namespace Fleet.State.Tests;

/// <summary>A fresh directory for one test's state database, removed afterwards.</summary>
public sealed class TemporaryState : IDisposable
{
    public TemporaryState()
    {
        Directory = Path.Combine(Path.GetTempPath(), "fleet-state-tests", Guid.NewGuid().ToString("N"));
        DatabasePath = Path.Combine(Directory, ".fleet", "state.db");
    }

    public string Directory { get; }

    public string DatabasePath { get; }

    public Task<StateStore> OpenAsync() => StateStore.OpenAsync(DatabasePath, CancellationToken.None);

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
