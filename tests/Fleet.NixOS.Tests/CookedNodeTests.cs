using System.Text.Json;
using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.NixOS.Tests;

/// <summary>
/// A node given as an already-evaluated ("cooked") NixOS configuration that knows nothing of
/// fleet, deployed to a testbed node. The configuration is built with the nixpkgs stand-in's
/// eval-config.nix (a STAND-IN for nixpkgs).
/// </summary>
[Trait("Category", "Integration")]
public sealed class CookedNodeTests
{
    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_cooked_configuration_without_fleets_deployment_module_is_deployed_as_it_builds_alone()
    {
        await using var fleet = await TestbedFleet.UpAsync("cooked");
        File.WriteAllText(Path.Combine(fleet.Dir, "configuration.nix"), $$"""
            # A NixOS configuration evaluated without fleet (stand-in nixpkgs), as nixos-rebuild would.
            import {{RepositoryPaths.NixpkgsStandin}}/nixos/lib/eval-config.nix {
              modules = [ ({ pkgs, ... }: {
                system.stateVersion = "24.05";
                networking.hostName = "cooked";
                system.activationScripts.netup = "${pkgs.iproute2}/bin/ip link set eth0 up";
                environment.etc."web/index.html".text = "cooked as it is\n";
                systemd.services.web = {
                  wantedBy = [ "multi-user.target" ];
                  script = "exec ${pkgs.python3}/bin/python3 -m http.server 8080 --directory /etc/web";
                };
              }) ];
            }
            """);
        File.WriteAllText(Path.Combine(fleet.Dir, "fleet.nix"), """
            { meta.name = "cooked-tests"; evaluatedNodes.cooked = import ./configuration.nix; }
            """);

        var apply = await fleet.FleetAsync("apply", "--plain");

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.Equal("cooked as it is", await fleet.PageAsync("cooked"));
        Assert.Equal(await ToplevelAloneAsync(fleet.Dir), await fleet.CurrentSystemAsync("cooked"));
    }

    /// <summary>The configuration's toplevel, evaluated by nix alone (no fleet), as nixos-rebuild builds it.</summary>
    private static async Task<string> ToplevelAloneAsync(string dir)
    {
        var result = await new ProcessRunner().RunCheckedAsync(
            ProcessSpec.Create("nix-instantiate", "--eval", "--strict", "--json", "--read-write-mode",
                Path.Combine(dir, "configuration.nix"), "-A", "config.system.build.toplevel.outPath"),
            CancellationToken.None);
        return JsonSerializer.Deserialize<string>(result.StandardOutput)!;
    }
}
