using Fleet.Engine;
using Fleet.Engine.Nix;
using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Agent.Tests;

/// <summary>
/// Six testbed nodes, each holding the NativeAOT-published fleet-agent (added to the host's
/// store and copied like a closure), and the stand-in systems the tests switch between.
/// </summary>
public sealed class AgentTestbedFixture : IAsyncLifetime
{
    private static readonly CancellationToken s_none = CancellationToken.None;
    private readonly ProcessRunner _runner = new();
    private readonly Dictionary<string, string> _systems = [];
    private LocalTestbed? _testbed;
    private string? _scratch;

    public LocalTestbed Testbed => _testbed ?? throw new InvalidOperationException("testbed not up");

    /// <summary>The agent's executable in the nodes' stores.</summary>
    public string Agent { get; private set; } = string.Empty;

    public string System(string fixture) => _systems[fixture];

    public async Task InitializeAsync()
    {
        var up = LocalTestbed.UpAsync(6, s_none);
        var agent = PublishAgentAsync();
        var fixtures = new[] { "web-v1.nix", "web-v2.nix", "web-not-listening.nix", "web-failing-unit.nix" };
        var builds = fixtures.Select(f => BuildAsync(f)).ToArray();
        _testbed = await up;
        var agentPath = await agent;
        Agent = agentPath + "/bin/fleet-agent";
        var systems = await Task.WhenAll(builds);
        for (var i = 0; i < fixtures.Length; i++)
        {
            _systems[fixtures[i]] = systems[i];
        }

        await Task.WhenAll(_testbed.Nodes.Select(node => CopyAsync(node.Name, [agentPath, .. systems])));
    }

    public async Task DisposeAsync()
    {
        if (_testbed is not null)
        {
            await _testbed.DisposeAsync();
        }

        if (_scratch is not null)
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    /// <summary>Runs fleet-agent on the node over SSH; stdin optional; each stdout line handed to <paramref name="onLine"/>.</summary>
    public Task<ProcessResult> AgentAsync(string node, string arguments, CancellationToken cancellationToken, string? input = null, Action<string>? onLine = null)
    {
        var spec = ProcessSpec.Create("ssh", "-F", Testbed.Description.SshConfig, node, $"{Agent} {arguments}") with { StopGrace = TimeSpan.FromSeconds(1) };
        if (input is not null)
        {
            spec = spec.WithInput(global::System.Text.Encoding.UTF8.GetBytes(input));
        }

        return _runner.RunAsync(spec, cancellationToken, onLine);
    }

    private async Task CopyAsync(string node, IEnumerable<string> paths) =>
        await _runner.RunCheckedAsync(
            ProcessSpec.Create("nix-copy-closure", ["--to", $"root@{node}", .. paths]).WithEnvironment("NIX_SSHOPTS", Testbed.NixSshOptions), s_none);

    /// <summary>`dotnet publish` with NativeAOT, then the binary alone as a store path (like a package's bin/).</summary>
    private async Task<string> PublishAgentAsync()
    {
        _scratch = Directory.CreateTempSubdirectory("fleet-agent-publish").FullName;
        var publish = Path.Combine(_scratch, "publish");
        await _runner.RunCheckedAsync(
            ProcessSpec.Create(
                "dotnet", "publish", Path.Combine(RepositoryPaths.Root, "src", "Fleet.Agent"), "-c", "Release", "-r", "linux-x64", "-o", publish),
            s_none);
        var package = Directory.CreateDirectory(Path.Combine(_scratch, "fleet-agent", "bin")).Parent!.FullName;
        File.Copy(Path.Combine(publish, "fleet-agent"), Path.Combine(package, "bin", "fleet-agent"));
        var result = await _runner.RunCheckedAsync(ProcessSpec.Create("nix-store", "--add", package), s_none);
        return result.StandardOutput.Trim();
    }

    /// <summary>Evaluates the fixture fleet with fleet's evaluator and the nixpkgs stand-in, then realises node web's toplevel.</summary>
    private static async Task<string> BuildAsync(string fixture)
    {
        var graph = await new NixEvaluator(new ProcessRunner(), FleetPaths.Discover())
            .EvaluateGraphAsync(new FleetSource(Path.Combine(AppContext.BaseDirectory, "fixtures", fixture), RepositoryPaths.NixpkgsStandin), s_none);
        var drv = graph.Resources["node.web"].InputString("drvPath")!;
        var result = await new ProcessRunner().RunCheckedAsync(ProcessSpec.Create("nix-store", "--realise", drv), s_none);
        return result.StandardOutput.Trim();
    }
}
