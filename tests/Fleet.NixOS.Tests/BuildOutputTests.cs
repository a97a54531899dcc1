using System.Diagnostics;
using System.Text.Json;
using Fleet.Engine.Graph;
using Fleet.Engine.Providers;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.NixOS.Tests;

/// <summary>
/// A long build that prints is not silence: the real nixos provider forwards nix's build lines as
/// `log` about the node's resource, so its call outlives the provider's timeout. Local only: goal
/// `build` realises the system here and touches no node.
/// </summary>
public sealed class BuildOutputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fleet-build-output-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_build_that_prints_keeps_its_call_alive_past_the_nixos_providers_timeout()
    {
        // The builder prints a line every 100 ms until the test releases it (the project's nix.conf
        // has no sandbox, so the builder sees the file); the path in it makes the derivation new.
        var release = Path.Combine(_dir, "release");
        var file = Path.Combine(_dir, "slow.nix");
        await File.WriteAllTextAsync(file, $$"""
            derivation {
              name = "fleet-slow-build";
              system = builtins.currentSystem;
              builder = "/bin/sh";
              args = [ "-c" "i=0; while [ ! -e {{release}} ]; do i=$((i+1)); echo slow build line $i; /bin/sleep 0.1; done; echo built > $out" ];
            }
            """);
        var runner = new ProcessRunner();
        var drv = (await runner.RunCheckedAsync(ProcessSpec.Create("nix-instantiate", file), CancellationToken.None)).StandardOutput.Trim();
        var timeout = TimeSpan.FromSeconds(3);
        var declared = new Dictionary<string, ProviderDeclaration> { ["nixos"] = new("nixos", [], timeout) };
        await using var registry = new ProviderRegistry(declared, runner, AppContext.BaseDirectory);
        var lines = 0;
        registry.Log += (provider, log) =>
        {
            // 100 lines at 100 ms apart take 9.9 s at least: over three timeouts.
            if (log is { Resource: "node.slow", Text: var text } && text.StartsWith("slow build line", StringComparison.Ordinal) && Interlocked.Increment(ref lines) == 100)
            {
                File.WriteAllText(release, "");
            }
        };
        var client = await registry.GetAsync("nixos", CancellationToken.None);
        using var inputs = JsonDocument.Parse($$"""{"drvPath":"{{drv}}","targetHost":"slow.invalid","goal":"build"}""");
        var watch = Stopwatch.StartNew();

        var result = await client.CreateAsync(new ApplyParams("node.slow", "nixos.system", inputs.RootElement.Clone(), null, null), CancellationToken.None);

        Assert.EndsWith("-fleet-slow-build", result.Outputs.GetProperty("systemPath").GetString(), StringComparison.Ordinal);
        Assert.True(watch.Elapsed > 3 * timeout, $"the build took {watch.Elapsed}, more than three timeouts of {timeout}");
        Assert.Equal(timeout, client.Declaration.Timeout);
        Assert.Null(client.Fault);
    }
}
