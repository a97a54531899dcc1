using System.Text.Json;
using Fleet.Processes;

namespace Fleet.Testbed;

/// <summary>
/// A running testbed (tests/testbed/testbed): local nodes reached over real SSH. Disposing it
/// tears everything down: namespaces, mounts, bridge and every process of its nodes.
/// </summary>
public sealed class LocalTestbed : IAsyncDisposable
{
    private static int s_counter;
    private readonly ProcessRunner _runner = new();

    private LocalTestbed(TestbedDescription description)
    {
        Description = description;
    }

    public TestbedDescription Description { get; }

    /// <summary>The lock `testbed up` and `down` take (FLEET_TESTBED_STATE, else /run/fleet-testbed).</summary>
    public static string LockFile =>
        Path.Combine(Environment.GetEnvironmentVariable("FLEET_TESTBED_STATE") is { Length: > 0 } state ? state : "/run/fleet-testbed", "lock");

    public string Name => Description.Name;

    public IReadOnlyList<TestbedNode> Nodes => Description.Nodes;

    public TestbedNode Node(string name) => Nodes.Single(n => n.Name == name);

    /// <summary>Brings up nodes with the given names under a unique testbed name.</summary>
    /// <remarks>`options` are further `testbed up` flags (`--use-pam`, `--nix-daemon`, ...).</remarks>
    public static async Task<LocalTestbed> UpAsync(IEnumerable<string> nodeNames, CancellationToken cancellationToken, string? prefix = null, IEnumerable<string>? options = null)
    {
        var name = $"{prefix ?? "t"}{Environment.ProcessId % 10000}x{Interlocked.Increment(ref s_counter)}";
        var spec = ProcessSpec.Create(
            RepositoryPaths.TestbedScript,
            ["up", "--name", name, "--node-names", string.Join(',', nodeNames), "--owner-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), .. options ?? []]);
        var result = await new ProcessRunner().RunCheckedAsync(spec, cancellationToken).ConfigureAwait(false);
        var description = JsonSerializer.Deserialize(result.StandardOutput, TestbedJsonContext.Default.TestbedDescription)
            ?? throw new InvalidOperationException("testbed up printed no description");
        return new LocalTestbed(description);
    }

    public static Task<LocalTestbed> UpAsync(int nodes, CancellationToken cancellationToken) =>
        UpAsync(Enumerable.Range(1, nodes).Select(i => $"node{i}"), cancellationToken);

    /// <summary>Runs argv inside the node's namespaces (not over SSH).</summary>
    public Task<ProcessResult> ExecAsync(string node, IEnumerable<string> argv, CancellationToken cancellationToken) =>
        _runner.RunAsync(ProcessSpec.Create(RepositoryPaths.TestbedScript, ["exec", Name, node, "--", .. argv]), cancellationToken);

    /// <summary>Runs a shell command on the node over SSH with host-key checking on.</summary>
    public Task<ProcessResult> SshAsync(string node, string command, CancellationToken cancellationToken) =>
        _runner.RunAsync(ProcessSpec.Create("ssh", "-F", Description.SshConfig, node, command), cancellationToken);

    /// <summary>
    /// `spec` (a fleet command) reaching this testbed: its ssh_config, and its known_hosts as the
    /// fleet's known_hosts (the node keys an operator would have accepted or pinned).
    /// </summary>
    public ProcessSpec ForFleet(ProcessSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.WithEnvironment("FLEET_SSH_CONFIG", Description.SshConfig).WithEnvironment("FLEET_KNOWN_HOSTS", Description.KnownHosts);
    }

    /// <summary>ssh options for tools that take them (NIX_SSHOPTS, fleet's FLEET_SSH_CONFIG).</summary>
    public string NixSshOptions => $"-F {Description.SshConfig}";

    public async ValueTask DisposeAsync()
    {
        await _runner.RunAsync(ProcessSpec.Create(RepositoryPaths.TestbedScript, "down", Name), CancellationToken.None).ConfigureAwait(false);
    }
}
