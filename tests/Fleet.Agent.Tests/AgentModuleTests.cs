using System.Text.Json;
using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Agent.Tests;

/// <summary>nix-modules/nixos/agent.nix evaluated with the nixpkgs stand-in (tests/nixpkgs-standin).</summary>
public sealed class AgentModuleTests
{
    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_module_runs_the_daemon_with_the_checks_file_the_interval_and_the_http_listener()
    {
        var expression = $$"""
            let
              sys = import {{RepositoryPaths.NixpkgsStandin}}/nixos/lib/eval-config.nix {
                modules = [
                  {{RepositoryPaths.Root}}/nix-modules/nixos/agent.nix
                  ({ pkgs, ... }: {
                    networking.hostName = "web";
                    services.fleet-agent = {
                      enable = true;
                      package = pkgs.hello;
                      interval = 10;
                      healthChecks = [ { type = "tcp"; host = "127.0.0.1"; port = 8080; name = null; } ];
                      http.listen = "127.0.0.1:9100";
                    };
                  })
                ];
              };
              unit = sys.config.systemd.services.fleet-agent;
            in {
              inherit (unit) wantedBy;
              exec = unit.serviceConfig.ExecStart;
              toplevel = sys.config.system.build.toplevel.drvPath;
            }
            """;

        var result = await new ProcessRunner().RunCheckedAsync(
            ProcessSpec.Create("nix-instantiate", "--eval", "--strict", "--json", "-E", expression), CancellationToken.None);
        var json = JsonDocument.Parse(result.StandardOutput).RootElement;

        var exec = json.GetProperty("exec").GetString()!;
        Assert.Matches("^/nix/store/[^ ]+/bin/fleet-agent daemon --socket /run/fleet-agent/agent.sock --interval 10 --health-checks /nix/store/[^ ]+ --http 127.0.0.1:9100$", exec);
        Assert.Equal("multi-user.target", json.GetProperty("wantedBy")[0].GetString());
        Assert.EndsWith(".drv", json.GetProperty("toplevel").GetString(), StringComparison.Ordinal);
    }
}
