using System.Diagnostics;
using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Apply.Tests;

/// <summary>
/// A temporary directory holding a fleet file and its state, and the real `fleet` executable
/// run against it. Providers are the Python example and the C# dummy, as real processes.
/// </summary>
public sealed class FleetWorkspace : IDisposable
{
    public FleetWorkspace()
    {
        Dir = Directory.CreateTempSubdirectory("fleet-apply-").FullName;
    }

    public string Dir { get; }

    public string StatePath => Path.Combine(Dir, ".fleet", "state.db");

    public static string PythonProvider => $"\"python3\" \"{Path.Combine(RepositoryPaths.Root, "providers", "examples", "local-file", "provider.py")}\"";

    public static string DummyProvider(string mode, string name) =>
        $"\"dotnet\" \"{Path.Combine(AppContext.BaseDirectory, "fleet-provider-dummy.dll")}\" \"{mode}\" \"{name}\"";

    /// <summary>Where the dummy provider logs its create, update and delete calls, in order.</summary>
    public string DummyCallLog => Path.Combine(Dir, "dummy-calls.log");

    public string File(string name) => Path.Combine(Dir, name);

    /// <summary>Writes fleet.nix; the body is the inside of the top-level attrset.</summary>
    public void WriteFleet(string body) =>
        System.IO.File.WriteAllText(File("fleet.nix"), "{\n" + body + "\n}\n");

    public ProcessSpec Command(params string[] args) =>
        ProcessSpec.Create("dotnet", [Path.Combine(AppContext.BaseDirectory, "fleet.dll"), .. args, "--nixpkgs", RepositoryPaths.NixpkgsStandin])
            .WithWorkingDirectory(Dir)
            .WithEnvironment("FLEET_DUMMY_STATE_DIR", Path.Combine(Dir, "dummy-things"))
            .WithEnvironment("FLEET_DUMMY_CALL_LOG", DummyCallLog);

    public Task<ProcessResult> RunAsync(params string[] args) => new ProcessRunner().RunAsync(Command(args), CancellationToken.None);

    public Process Start(params string[] args) => new ProcessRunner().Start(Command(args));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
