using System.Text.Json;
using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.DeployUser.Tests;

/// <summary>nix-modules/nixos/deploy-user.nix evaluated with the nixpkgs stand-in.</summary>
public sealed class DeployUserModuleTests
{
    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_module_makes_a_system_user_whose_only_passwordless_sudo_is_the_agent_and_whom_the_daemon_trusts()
    {
        var json = await EvaluateAsync("{ enable = true; authorizedKeys = [ \"ssh-ed25519 AAAAtest deployer\" ]; }");

        Assert.Contains("fleet-deploy ALL=(root) NOPASSWD: /nix/store/*-fleet-agent/bin/fleet-agent\n", json.GetProperty("sudoers").GetString(), StringComparison.Ordinal);
        Assert.Contains("trusted-users = root fleet-deploy\n", json.GetProperty("nix").GetString(), StringComparison.Ordinal);
        Assert.Equal("ssh-ed25519 AAAAtest deployer\n", json.GetProperty("keys").GetString());
        Assert.True(json.GetProperty("isSystemUser").GetBoolean());
        Assert.Equal("fleet-deploy", json.GetProperty("group").GetString());
        Assert.EndsWith("/bin/bash", json.GetProperty("shell").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_pinned_agent_package_narrows_the_rule_to_that_exact_agent()
    {
        var json = await EvaluateAsync("{ enable = true; name = \"deploy\"; agentPackage = pkgs.hello; }");

        Assert.Matches(@"\ndeploy ALL=\(root\) NOPASSWD: /nix/store/[a-z0-9]{32}-hello[^ *]*/bin/fleet-agent\n", json.GetProperty("sudoers").GetString());
    }

    private static async Task<JsonElement> EvaluateAsync(string settings)
    {
        var user = settings.Contains("name = \"deploy\"", StringComparison.Ordinal) ? "deploy" : "fleet-deploy";
        var expression = $$"""
            let
              sys = import {{RepositoryPaths.NixpkgsStandin}}/nixos/lib/eval-config.nix {
                modules = [
                  {{RepositoryPaths.Root}}/nix-modules/nixos/deploy-user.nix
                  ({ pkgs, ... }: { networking.hostName = "web"; services.fleet-deploy-user = {{settings}}; })
                ];
              };
              u = sys.config.users.users."{{user}}";
              etc = sys.config.environment.etc;
            in {
              sudoers = etc.sudoers.text;
              nix = etc."nix/nix.conf".text;
              keys = etc."ssh/authorized_keys.d/{{user}}".text or "";
              inherit (u) isSystemUser group;
              shell = "${u.shell}${u.shell.shellPath}";
              toplevel = sys.config.system.build.toplevel.drvPath;
            }
            """;
        var result = await new ProcessRunner().RunCheckedAsync(
            ProcessSpec.Create("nix-instantiate", "--eval", "--strict", "--json", "-E", expression), CancellationToken.None);
        return JsonDocument.Parse(result.StandardOutput).RootElement.Clone();
    }
}
