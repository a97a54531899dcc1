using System.Text.Json;
using Fleet.Processes;

namespace Fleet.NixOS.Tests;

/// <summary>
/// deployment.substituteOnDestination: the node fetches what its own binary caches have (here a
/// file:// cache holding the new system) instead of receiving it over SSH from the deployer.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SubstituteOnDestinationTests
{
    private static readonly ProcessRunner s_runner = new();

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_node_substitutes_the_system_its_binary_cache_holds_instead_of_receiving_it_over_ssh()
    {
        await using var fleet = await TestbedFleet.UpAsync("a");
        // /var/tmp is shared by the host and the testbed's nodes (/tmp is each node's own).
        var cache = Path.Combine("/var/tmp", $"fleet-substitute-cache-{Guid.NewGuid():N}");
        Directory.CreateDirectory(cache);
        try
        {
            var cacheConfig = $"nix.settings = {{ substituters = [ \"file://{cache}\" ]; require-sigs = false; }};";
            var file = FleetFile.For("a");
            var first = await fleet.ApplyAsync(file.With("a", cacheConfig));
            Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);

            // v2 is built here and put in the node's cache before fleet deploys it.
            var v2 = file.With("a", $"test.version = \"v2\"; {cacheConfig} deployment.substituteOnDestination = true;");
            var system = await fleet.BuildElsewhereAsync(v2);
            await s_runner.RunCheckedAsync(
                ProcessSpec.Create("nix", "--extra-experimental-features", "nix-command", "copy", "--to", $"file://{cache}", system), CancellationToken.None);

            fleet.Write(v2);
            // -v: nix's lines about each path are log lines, which plain progress prints only then.
            var apply = await fleet.FleetAsync("apply", "--plain", "-v");

            var said = apply.StandardOutput + apply.StandardError;
            Assert.True(apply.ExitCode == 0, said);
            Assert.Equal(system, await fleet.CurrentSystemAsync("a"));
            Assert.Equal("a v2", await fleet.PageAsync("a"));
            Assert.Contains($"copying path '{system}' from 'file://{cache}'", said, StringComparison.Ordinal);
            Assert.DoesNotContain($"copying path '{system}' to 'ssh://", said, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }
}
