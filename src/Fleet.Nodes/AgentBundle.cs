using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Nodes;

/// <summary>
/// The fleet-agent binary (NativeAOT, one file) as a store path on the deployer, so it travels
/// to each node with the system closure and the first deployment needs nothing on the node.
/// Found at $FLEET_AGENT, else agent/fleet-agent beside this provider, else artifacts/agent in
/// the checkout this provider was built from (script/bootstrap publishes it there). An agent that
/// already is STOREPATH/bin/fleet-agent (the flake's package) is sent as that store path.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AgentBundle
{
    private readonly ProcessRunner _runner;
    private readonly Lock _gate = new();
    private Task<string>? _storePath;

    public AgentBundle(ProcessRunner runner)
    {
        _runner = runner;
    }

    /// <summary>The agent's executable inside its store path.</summary>
    public static string Executable(string storePath) => $"{storePath}/bin/fleet-agent";

    /// <summary>Adds the agent to the deployer's store once per provider process.</summary>
    public Task<string> StorePathAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_storePath is null || _storePath.IsFaulted || _storePath.IsCanceled)
            {
                _storePath = AddAsync(cancellationToken);
            }

            return _storePath;
        }
    }

    private async Task<string> AddAsync(CancellationToken cancellationToken)
    {
        var binary = Locate();
        if (StorePathOf(binary) is { } packaged)
        {
            // Built by Nix (the flake's package): its own store path, whose closure carries what
            // it links against (a copy added with `nix-store --add` would lose those references).
            return packaged;
        }

        {
            var staging = Directory.CreateTempSubdirectory("fleet-agent-").FullName;
            var root = Path.Combine(staging, "fleet-agent");
            Directory.CreateDirectory(Path.Combine(root, "bin"));
            File.Copy(binary, Path.Combine(root, "bin", "fleet-agent"));
            File.SetUnixFileMode(Path.Combine(root, "bin", "fleet-agent"), (UnixFileMode)0b111_101_101);
            var result = await _runner.RunCheckedAsync(ProcessSpec.Create("nix-store", "--add", root), cancellationToken).ConfigureAwait(false);
            Directory.Delete(staging, recursive: true);
            return result.StandardOutput.Trim();
        }
    }

    /// <summary>/nix/store/HASH-NAME when `binary` is HASH-NAME/bin/fleet-agent in the store, else null.</summary>
    internal static string? StorePathOf(string binary)
    {
        var full = Path.GetFullPath(binary);
        const string Store = "/nix/store/";
        if (!full.StartsWith(Store, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = full[Store.Length..].Split('/');
        return parts is [var name, "bin", "fleet-agent"] ? Store + name : null;
    }

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("FLEET_AGENT") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : throw new ResourceFailedException($"FLEET_AGENT={configured} does not exist");
        }

        var beside = Path.Combine(AppContext.BaseDirectory, "agent", "fleet-agent");
        if (File.Exists(beside))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var published = Path.Combine(dir.FullName, "artifacts", "agent", "fleet-agent");
            if (File.Exists(published))
            {
                return published;
            }
        }

        throw new ResourceFailedException(
            "cannot find the fleet-agent binary to send to nodes: set FLEET_AGENT, or publish it with " +
            "`dotnet publish src/Fleet.Agent -c Release -r linux-x64 -o artifacts/agent` (script/bootstrap does)");
    }
}
