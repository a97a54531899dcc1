using System.Text.Json;
using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.NixOS.Tests;

/// <summary>
/// Testbed nodes and a fleet directory (fleet.nix, .fleet/state.db) deploying to them with the
/// real `fleet` executable and the real nixos provider; nodes are built with the nixpkgs
/// stand-in. Disposing it tears the nodes down and deletes the directory.
/// </summary>
public sealed class TestbedFleet : IAsyncDisposable
{
    private readonly ProcessRunner _runner = new();
    private readonly List<string> _dirs = [];

    private TestbedFleet(LocalTestbed testbed)
    {
        Testbed = testbed;
        Dir = NewDirectory();
    }

    /// <summary>This machine has no internet: asking cache.nixos.org for substitutes only costs retries.</summary>
    public static string OfflineNix => "substituters =";

    public LocalTestbed Testbed { get; }

    /// <summary>The fleet directory the default <see cref="FleetAsync"/> runs in.</summary>
    public string Dir { get; }

    public static async Task<TestbedFleet> UpAsync(params string[] nodes) =>
        new(await LocalTestbed.UpAsync(nodes, CancellationToken.None, "nx"));

    /// <summary>Another fleet directory (its own state) for the same nodes.</summary>
    public string NewDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("fleet-nixos-").FullName;
        _dirs.Add(dir);
        return dir;
    }

    public void Write(FleetFile file, string? dir = null) =>
        File.WriteAllText(Path.Combine(dir ?? Dir, "fleet.nix"), file.Render());

    public ProcessSpec FleetCommand(string dir, params string[] args) =>
        Testbed.ForFleet(ProcessSpec.Create("dotnet", [Path.Combine(AppContext.BaseDirectory, "fleet.dll"), .. args, "--nixpkgs", RepositoryPaths.NixpkgsStandin]))
            .WithWorkingDirectory(dir)
            .WithEnvironment("NIX_CONFIG", OfflineNix);

    public Task<ProcessResult> FleetAsync(params string[] args) => FleetInAsync(Dir, args);

    public Task<ProcessResult> FleetInAsync(string dir, params string[] args) =>
        _runner.RunAsync(FleetCommand(dir, args), CancellationToken.None);

    public Task<ProcessResult> ApplyAsync(FleetFile file)
    {
        Write(file);
        return FleetAsync("apply", "--plain");
    }

    /// <summary>One resource's state row as `fleet state show` prints it.</summary>
    public async Task<JsonElement> StateAsync(string node)
    {
        var show = await FleetAsync("state", "show", $"node.{node}");
        Assert.True(show.ExitCode == 0, show.StandardError);
        using var document = JsonDocument.Parse(show.StandardOutput);
        return document.RootElement.Clone();
    }

    /// <summary>The exact system /run/current-system points at, read over SSH.</summary>
    public async Task<string> CurrentSystemAsync(string node)
    {
        var result = await Testbed.SshAsync(node, "readlink -f /run/current-system", CancellationToken.None);
        Assert.True(result.Succeeded, $"ssh {node}: {result.StandardError}");
        return result.StandardOutput.Trim();
    }

    /// <summary>`fleet-agent status --json` on the node (the agent fleet copied there).</summary>
    public async Task<JsonElement> AgentStatusAsync(string node)
    {
        var result = await Testbed.ExecAsync(node, ["sh", "-c", "/nix/store/*-fleet-agent/bin/fleet-agent status --json"], CancellationToken.None);
        Assert.True(result.Succeeded, $"agent status on {node}: {result.StandardError}");
        using var document = JsonDocument.Parse(result.StandardOutput);
        return document.RootElement.Clone();
    }

    /// <summary>GET the node's web page from the deployer, at the node's address.</summary>
    public async Task<string> PageAsync(string node, int port = 8080)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
        return (await http.GetStringAsync(new Uri($"http://{Testbed.Node(node).Address}:{port}/index.html"))).Trim();
    }

    /// <summary>Creates `file` in the node's /tmp (the testbed's directory for it on the host), ending a <see cref="FleetFile.HealthCheckHeldUntil"/>.</summary>
    public void Release(string node, string file) => File.WriteAllText(Path.Combine(Testbed.Node(node).Dir, "tmp", file), "");

    /// <summary>
    /// Holds the next closure copy to the node: its receiving end (`nix-store --serve`, which
    /// nix-copy-closure starts over ssh) is stopped (SIGSTOP) the moment it appears, by a busy loop
    /// inside the node; returns its pids there, for <see cref="ResumeCopyAsync"/>. Start the apply
    /// first: this returns once the copy is held.
    /// </summary>
    public async Task<string> HoldCopyAsync(string node)
    {
        var held = await Testbed.ExecAsync(
            node, ["sh", "-c", "while ! p=$(pgrep -f 'nix-stor[e] --serve'); do :; done; kill -STOP $p; echo $p"], CancellationToken.None);
        Assert.True(held.Succeeded, held.StandardError);
        return held.StandardOutput.Trim().Replace('\n', ' ');
    }

    /// <summary>Lets a copy held by <see cref="HoldCopyAsync"/> go on (or see its connection gone).</summary>
    public async Task ResumeCopyAsync(string node, string pids) =>
        await Testbed.ExecAsync(node, ["sh", "-c", $"kill -CONT {pids} 2>/dev/null; true"], CancellationToken.None);

    /// <summary>Runs tests/testbed/testbed with the given verb on this testbed and node.</summary>
    public async Task TestbedAsync(string verb, string node) =>
        await _runner.RunCheckedAsync(ProcessSpec.Create(RepositoryPaths.TestbedScript, verb, Testbed.Name, node), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Testbed.DisposeAsync();
        foreach (var dir in _dirs)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
