using System.Diagnostics;
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

    /// <summary>Testbed nodes for the file's nodes, each deployed with it (the start of most fault tests: every node runs v1).</summary>
    public static async Task<TestbedFleet> DeployedAsync(FleetFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var fleet = await UpAsync([.. file.Nodes.Keys]);
        try
        {
            var first = await fleet.ApplyAsync(file);
            Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    /// <summary>Another fleet directory (its own state) for the same nodes.</summary>
    public string NewDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("fleet-nixos-").FullName;
        _dirs.Add(dir);
        return dir;
    }

    /// <summary>
    /// Builds `file`'s system for NODE in another fleet directory and returns its store path. A
    /// build records nothing in the state, so the system is found through its --keep-result root.
    /// </summary>
    public async Task<string> BuildElsewhereAsync(FleetFile file, string node = "a")
    {
        var dir = NewDirectory();
        Write(file, dir);
        var build = await FleetInAsync(dir, "build", "--plain", "--keep-result", "--on", node);
        Assert.True(build.ExitCode == 0, build.StandardOutput + build.StandardError);
        return new FileInfo(Path.Combine(dir, ".fleet", "gcroots", node)).ResolveLinkTarget(returnFinalTarget: false)!.FullName;
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

    /// <summary>Starts `fleet ARGS` in <see cref="Dir"/> without waiting (its output is read and dropped), for tests that kill it.</summary>
    public Process StartFleet(params string[] args)
    {
        var process = _runner.Start(FleetCommand(Dir, args));
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Kills `fleet` (SIGKILL, no chance to clean up) and waits until it has ended.</summary>
    public static async Task KillAsync(Process fleet)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        fleet.Kill();
        await fleet.WaitForExitAsync();
    }

    /// <summary>The ssh processes of fleets run against this testbed (their argv names its ssh_config), as "PID: ARGV".</summary>
    public IReadOnlyList<string> SshProcesses() => LiveProcesses.WithCommandLineContaining(Testbed.Description.SshConfig);

    /// <summary>Waits (bounded, polling) until no ssh process of a fleet run against this testbed is left.</summary>
    public Task WaitUntilNoSshAsync(TimeSpan within) =>
        LiveProcesses.WaitUntilNoneAsync(Testbed.Description.SshConfig, "ssh processes of the run", within);

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

    /// <summary>Waits until an activation runs on the node (read inside it: no network) and returns its id.</summary>
    public async Task<string> PendingActivationAsync(string node, string? state = null)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            var read = await Testbed.ExecAsync(node, ["sh", "-c", "cat /run/fleet-agent/activation.json 2>/dev/null"], CancellationToken.None);
            if (read.Succeeded && read.StandardOutput.Contains("\"id\"", StringComparison.Ordinal))
            {
                using var document = JsonDocument.Parse(read.StandardOutput);
                if (state is null || (document.RootElement.TryGetProperty("state", out var now) && now.GetString() == state))
                {
                    return document.RootElement.GetProperty("id").GetString()!;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"no activation {(state is null ? "runs" : "is " + state)} on {node}: {read.StandardOutput}");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls the node's agent (inside the node) until activation `id` has an outcome, and returns it.</summary>
    public async Task<string> OutcomeAsync(string node, string id)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            var status = await AgentStatusAsync(node);
            if (status.TryGetProperty("lastActivation", out var last) && last.ValueKind == JsonValueKind.Object
                && last.GetProperty("id").GetString() == id && last.TryGetProperty("outcome", out var outcome) && outcome.GetString() is { } done)
            {
                return done;
            }

            Assert.True(DateTime.UtcNow < deadline, $"activation {id} on {node} has no outcome: {status.GetRawText()}");
            await Task.Delay(200);
        }
    }

    /// <summary>The node's last activation once none is pending (polled: its rollback may still be running).</summary>
    public async Task<JsonElement> LastActivationAsync(string node)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var status = await AgentStatusAsync(node);
            if (!IsPending(status))
            {
                return status.GetProperty("lastActivation").Clone();
            }

            Assert.True(DateTime.UtcNow < deadline, "the activation is still pending on the node: " + status.GetRawText());
            await Task.Delay(200);
        }
    }

    /// <summary>Whether an agent status report has an activation pending.</summary>
    public static bool IsPending(JsonElement status) =>
        status.TryGetProperty("pending", out var pending) && pending.ValueKind == JsonValueKind.Object;

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

    /// <summary>
    /// Holds the next `fleet-agent status` on the node (how a plan's refresh reads a deployed node):
    /// the agent's /run/fleet-agent/activation.json becomes a FIFO, whose open blocks until
    /// <see cref="ReleaseAgentStatusAsync"/>. No activation may be pending. Returns once none runs yet.
    /// </summary>
    public async Task HoldAgentStatusAsync(string node)
    {
        var held = await Testbed.ExecAsync(
            node, ["sh", "-c", "while pgrep -f 'fleet-agen[t] status' >/dev/null; do /bin/sleep 0.1; done; mkfifo /run/fleet-agent/activation.json"], CancellationToken.None);
        Assert.True(held.Succeeded, held.StandardError);
    }

    /// <summary>Waits until a `fleet-agent status` on the node is held by <see cref="HoldAgentStatusAsync"/>.</summary>
    public async Task HeldAgentStatusAsync(string node)
    {
        var held = await Testbed.ExecAsync(node, ["sh", "-c", "while ! pgrep -f 'fleet-agen[t] status' >/dev/null; do /bin/sleep 0.1; done"], CancellationToken.None);
        Assert.True(held.Succeeded, held.StandardError);
    }

    /// <summary>Ends a hold of <see cref="HoldAgentStatusAsync"/>: the held status reads an empty file, and the FIFO is gone.</summary>
    public async Task ReleaseAgentStatusAsync(string node)
    {
        var released = await Testbed.ExecAsync(
            node, ["sh", "-c", "f=/run/fleet-agent/activation.json; [ -p $f ] || exit 0; exec 3<>$f; rm $f; exec 3>&-"], CancellationToken.None);
        Assert.True(released.Succeeded, released.StandardError);
    }

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
