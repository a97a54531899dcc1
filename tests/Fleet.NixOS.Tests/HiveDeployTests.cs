using Fleet.Testbed;

namespace Fleet.NixOS.Tests;

/// <summary>
/// `fleet apply` of a Colmena hive.nix (nodes at the top level, deployment.keys as Colmena's
/// "apply" integration test sets them) to a testbed node built with the nixpkgs stand-in.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HiveDeployTests
{
    private static string Hive => $$"""
        {
          meta = {
            name = "hive-tests";
            description = "a Colmena hive, unchanged";
            nixpkgs = {{RepositoryPaths.NixpkgsStandin}};
          };

          defaults = { pkgs, ... }: {
            system.stateVersion = "24.05";
            system.activationScripts.netup = "${pkgs.iproute2}/bin/ip link set eth0 up";
            deployment.rollback.confirmTimeout = 120;

            # Created during activation.
            users.users.testuser = {
              isSystemUser = true;
              group = "testgroup";
            };
            users.groups.testgroup = { };

            deployment.keys.original-name = {
              name = "custom-name";
              text = "custom name key";
            };
            deployment.keys.key-command = {
              destDir = "/tmp/another-key-dir";
              keyCommand = [ "echo" "from the key command" ];
            };
            deployment.keys.key-file = {
              destDir = "/tmp/another-key-dir";
              keyFile = ./key-file;
            };
            deployment.keys.pre-activation = {
              text = "pre-activation key";
              uploadAt = "pre-activation";
              user = "testuser";
              group = "testgroup";
              permissions = "640";
            };
            deployment.keys.post-activation = {
              text = "post-activation key";
              uploadAt = "post-activation";
              user = "testuser";
              group = "testgroup";
              permissions = "600";
            };

            # What /run/keys held when the system was activated.
            systemd.services.keys-at-activation = {
              wantedBy = [ "multi-user.target" ];
              serviceConfig.Type = "oneshot";
              script = "ls /run/keys >/tmp/keys-at-activation";
            };
          };

          alpha = { };
        }
        """;

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Apply_of_a_hive_puts_its_keys_where_colmena_does_with_its_owners_modes_and_upload_times_and_runs_their_key_services()
    {
        await using var fleet = await TestbedFleet.UpAsync("alpha");
        File.WriteAllText(Path.Combine(fleet.Dir, "hive.nix"), Hive);
        File.WriteAllText(Path.Combine(fleet.Dir, "key-file"), "from the key file\n");

        var apply = await fleet.FleetAsync("apply", "-f", "hive.nix", "--plain");

        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.Equal("root root 600 custom name key", await KeyAsync(fleet, "/run/keys/custom-name"));
        Assert.Equal("root root 600 from the key command", await KeyAsync(fleet, "/tmp/another-key-dir/key-command"));
        Assert.Equal("root root 600 from the key file", await KeyAsync(fleet, "/tmp/another-key-dir/key-file"));
        Assert.Equal("testuser testgroup 640 pre-activation key", await KeyAsync(fleet, "/run/keys/pre-activation"));
        Assert.Equal("testuser testgroup 600 post-activation key", await KeyAsync(fleet, "/run/keys/post-activation"));
        var atActivation = (await SshAsync(fleet, "cat /tmp/keys-at-activation")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("pre-activation", atActivation);
        Assert.Contains("custom-name", atActivation);
        Assert.DoesNotContain("post-activation", atActivation);

        await WaitForUnitAsync(fleet, "custom-name", "original-name-key.service", active: true);
        await WaitForUnitAsync(fleet, "pre-activation", "pre-activation-key.service", active: true);
        await WaitForUnitAsync(fleet, "post-activation", "post-activation-key.service", active: true);
        await SshAsync(fleet, "rm /run/keys/post-activation");
        await WaitForUnitAsync(fleet, "post-activation (deleted)", "post-activation-key.service", active: false);
        Assert.Equal("active", (await SshAsync(fleet, "/run/current-system/sw/bin/systemctl is-active post-activation-key.path")).Trim());
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Replace_unknown_profiles_false_refuses_a_node_whose_profile_the_deployer_does_not_have()
    {
        await using var fleet = await TestbedFleet.UpAsync("alpha");
        string HiveSaying(string text) => $$"""
            {
              defaults = { pkgs, ... }: {
                system.stateVersion = "24.05";
                system.activationScripts.netup = "${pkgs.iproute2}/bin/ip link set eth0 up";
                deployment.rollback.confirmTimeout = 120;
              };
              alpha = {
                deployment.replaceUnknownProfiles = false;
                environment.etc."said".text = "{{text}}";
              };
            }
            """;
        File.WriteAllText(Path.Combine(fleet.Dir, "hive.nix"), HiveSaying("first"));
        var first = await fleet.FleetAsync("apply", "-f", "hive.nix", "--plain");
        Assert.True(first.ExitCode == 0, "a node without a profile yet is deployed: " + first.StandardOutput + first.StandardError);
        // Someone else's system: a store path only the node has, made its system profile.
        var foreign = (await SshAsync(fleet, "mkdir -p /tmp/foreign && echo elsewhere >/tmp/foreign/marker && nix-store --add /tmp/foreign")).Trim();
        await SshAsync(fleet, $"nix-env --profile /nix/var/nix/profiles/system --set {foreign}");
        Assert.False(Directory.Exists(foreign));

        File.WriteAllText(Path.Combine(fleet.Dir, "hive.nix"), HiveSaying("second"));
        var second = await fleet.FleetAsync("apply", "-f", "hive.nix", "--plain");

        Assert.Equal(1, second.ExitCode);
        Assert.Contains($"runs the system profile {foreign}, which is not in this deployer's store, and deployment.replaceUnknownProfiles is false", second.StandardOutput + second.StandardError, StringComparison.Ordinal);
        Assert.Equal("first", (await SshAsync(fleet, "cat /etc/said")).Trim());
    }

    private static async Task<string> KeyAsync(TestbedFleet fleet, string path) =>
        (await SshAsync(fleet, $"stat -c '%U %G %a' {path} | tr '\\n' ' '; cat {path}")).Trim();

    private static async Task<string> SshAsync(TestbedFleet fleet, string command)
    {
        var result = await fleet.Testbed.SshAsync("alpha", command, CancellationToken.None);
        Assert.True(result.Succeeded, $"ssh alpha {command}: {result.StandardError}");
        return result.StandardOutput;
    }

    /// <summary>Polls the node's systemctl until the unit is (or is no longer) active; fails naming the key after a minute.</summary>
    private static async Task WaitForUnitAsync(TestbedFleet fleet, string key, string unit, bool active)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        string state;
        while ((state = (await fleet.Testbed.SshAsync("alpha", $"/run/current-system/sw/bin/systemctl is-active {unit}", CancellationToken.None)).StandardOutput.Trim()) == "active" != active)
        {
            Assert.True(DateTime.UtcNow < deadline, $"key {key}: {unit} stays {state}");
            await Task.Delay(100);
        }
    }
}
