using System.Text.Json;
using Fleet.Engine.Errors;
using Fleet.Engine.Graph;
using Fleet.Engine.Planning;
using Fleet.Processes;

namespace Fleet.Engine.Tests;

/// <summary>
/// Colmena hives read unchanged (fixtures/hives, written as Colmena's manual and its tests write
/// them, on the options the nixpkgs stand-in has): nodes at the top level, meta or network,
/// defaults, function hives, special args, nodeNixpkgs, deployment.keys, allowApplyAll.
/// </summary>
public sealed class HiveTests
{
    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_top_level_attributes_of_a_hive_other_than_meta_and_defaults_are_its_nodes()
    {
        var graph = await FleetEvaluation.HiveGraphAsync("simple.nix");

        Assert.Equal(["node.gamma.tld", "node.host-a", "node.host-b", "node.host-c"], graph.Nodes.Select(n => n.Id).Order(StringComparer.Ordinal));
        Assert.Equal("A hive written for Colmena", graph.Description);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_node_has_the_tags_of_defaults_and_its_own()
    {
        var graph = await FleetEvaluation.HiveGraphAsync("simple.nix");

        Assert.Equal(["a-tag", "common-tag"], graph.Resources["node.host-a"].InputStrings("tags").ToArray());
        Assert.Equal(["common-tag"], graph.Resources["node.host-b"].InputStrings("tags").ToArray());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task MkForce_in_a_node_replaces_the_tags_defaults_give()
    {
        var graph = await FleetEvaluation.HiveGraphAsync("simple.nix");

        Assert.Empty(graph.Resources["node.gamma.tld"].InputStrings("tags").ToArray());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_quoted_node_name_with_a_dot_is_a_node_reached_by_that_name_whose_host_name_is_its_first_label()
    {
        var graph = await FleetEvaluation.HiveGraphAsync("simple.nix");

        var gamma = graph.Resources["node.gamma.tld"];
        Assert.Equal("gamma.tld", gamma.Node);
        Assert.Equal("gamma.tld", gamma.InputString("targetHost"));
        Assert.StartsWith("nixos-system-gamma-", gamma.InputString("systemName"), StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Target_host_port_and_user_keep_colmenas_defaults_and_meaning()
    {
        var graph = await FleetEvaluation.HiveGraphAsync("simple.nix");

        var a = graph.Resources["node.host-a"];
        Assert.Equal("host-a", a.InputString("targetHost"));
        Assert.Equal(JsonValueKind.Null, a.Inputs.GetProperty("targetPort").ValueKind);
        Assert.Equal("root", a.InputString("targetUser"));
        var b = graph.Resources["node.host-b"];
        Assert.Equal("somehost.tld", b.InputString("targetHost"));
        Assert.Equal(1234, b.Inputs.GetProperty("targetPort").GetInt32());
        Assert.Equal("luser", b.InputString("targetUser"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_node_module_gets_its_name_and_the_other_nodes_configurations()
    {
        using var zone = await FleetEvaluation.HiveJsonAsync("simple.nix", "nodes.host-a.config.time.timeZone");
        using var hostName = await FleetEvaluation.HiveJsonAsync("simple.nix", "nodes.host-a.config.networking.hostName");

        Assert.Equal("America/Los_Angeles", zone.RootElement.GetString());
        Assert.Equal("host-a", hostName.RootElement.GetString());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_node_given_as_a_list_of_modules_has_all_of_them()
    {
        var graph = await FleetEvaluation.HiveGraphAsync("simple.nix");
        using var zone = await FleetEvaluation.HiveJsonAsync("simple.nix", "nodes.host-c.config.time.timeZone");

        Assert.Equal(["c-tag", "common-tag"], graph.Resources["node.host-c"].InputStrings("tags").ToArray());
        Assert.Equal("Europe/Paris", zone.RootElement.GetString());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Node_special_args_win_over_meta_special_args_which_every_node_gets()
    {
        var graph = await FleetEvaluation.HiveGraphAsync("special-args.nix");

        Assert.Equal(["meta", "from-meta"], graph.Resources["node.plain"].InputStrings("tags").ToArray());
        Assert.Equal(["node", "from-meta", "special"], graph.Resources["node.special"].InputStrings("tags").ToArray());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Network_at_the_top_of_a_hive_is_read_as_meta()
    {
        var graph = await FleetEvaluation.HiveGraphAsync("network.nix");

        Assert.Equal("described under network", graph.Description);
        Assert.Equal(["node.host"], graph.Nodes.Select(n => n.Id));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Meta_and_network_together_are_refused_naming_both()
    {
        var error = await Assert.ThrowsAsync<NixEvaluationException>(() => FleetEvaluation.HiveGraphAsync("meta-and-network.nix"));

        Assert.Contains("meta-and-network.nix sets both `meta` and `network`", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_hive_that_is_a_function_is_called_with_its_default_arguments()
    {
        var graph = await FleetEvaluation.HiveGraphAsync("function.nix");

        Assert.Equal(["from-default"], graph.Resources["node.host"].InputStrings("tags").ToArray());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Node_nixpkgs_builds_that_node_with_its_own_package_set_and_platform()
    {
        var graph = await FleetEvaluation.HiveGraphAsync("node-nixpkgs.nix");

        Assert.Equal(["aarch64-linux"], graph.Resources["node.arm"].InputStrings("tags").ToArray());
        Assert.Equal(["x86_64-linux"], graph.Resources["node.intel"].InputStrings("tags").ToArray());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Fleet_options_work_beside_a_hives_top_level_nodes()
    {
        var graph = await FleetEvaluation.HiveGraphAsync("beside-fleet-options.nix");

        var web = graph.Resources["node.web"];
        Assert.Equal(["top-level"], web.InputStrings("tags").ToArray());
        Assert.Equal(2222, web.Inputs.GetProperty("targetPort").GetInt32());
        Assert.Equal(["in-nodes"], graph.Resources["node.db"].InputStrings("tags").ToArray());
        Assert.Equal("db", graph.Resources["notes"].Node);
        Assert.Equal(["true"], graph.Providers["local"].Command.ToArray());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_option_that_does_not_exist_in_a_hive_node_is_an_error_naming_it()
    {
        var error = await Assert.ThrowsAsync<NixEvaluationException>(() => FleetEvaluation.HiveGraphAsync("unknown-option.nix"));

        Assert.Contains("deployment.noSuchOption", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.Local)]
    [InlineData("original-name", "/run/keys/custom-name", "root", "root", "0600", "before-activation")]
    [InlineData("key-text", "/run/keys/key-text", "root", "root", "0600", "before-activation")]
    [InlineData("key-command", "/tmp/another-key-dir/key-command", "root", "root", "0600", "before-activation")]
    [InlineData("key-file", "/tmp/another-key-dir/key-file", "root", "root", "0600", "before-activation")]
    [InlineData("key-file-2", "/tmp/another-key-dir/key-file-2", "root", "root", "0600", "before-activation")]
    [InlineData("pre-activation", "/run/keys/pre-activation", "testuser", "testgroup", "640", "before-activation")]
    [InlineData("post-activation", "/run/keys/post-activation", "testuser", "testgroup", "600", "after-activation")]
    public async Task A_key_becomes_a_secret_file_with_colmenas_destination_owner_mode_and_upload_time(
        string key, string destination, string owner, string group, string mode, string upload)
    {
        var graph = await FleetEvaluation.HiveGraphAsync("keys.nix");

        var secret = graph.Resources[$"node.alpha.key.{key}"];
        Assert.Equal("secret.file", secret.Type);
        Assert.Equal("alpha", secret.Node);
        Assert.Equal(destination, secret.InputString("destination"));
        Assert.Equal(owner, secret.InputString("owner"));
        Assert.Equal(group, secret.InputString("group"));
        Assert.Equal(mode, secret.InputString("mode"));
        Assert.Equal(upload, secret.InputString("upload"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_keys_text_file_or_command_is_the_secrets_content_source()
    {
        var graph = await FleetEvaluation.HiveGraphAsync("keys.nix");

        Assert.Equal("@poison@", graph.Resources["node.alpha.key.key-text"].InputString("text"));
        Assert.Equal(["hostname"], graph.Resources["node.alpha.key.key-command"].InputStrings("command").ToArray());
        Assert.Equal("/tmp/bundle/key-file", graph.Resources["node.alpha.key.key-file"].InputString("file"));
        // A Nix path is passed by its name, not copied into the store.
        Assert.Equal(Path.Combine(Path.GetDirectoryName(FleetEvaluation.Hive("keys.nix"))!, "key-file"), graph.Resources["node.alpha.key.key-file-2"].InputString("file"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Pre_activation_keys_come_before_the_nodes_system_and_post_activation_keys_after_it()
    {
        var graph = await FleetEvaluation.HiveGraphAsync("keys.nix");

        var system = graph.Resources["node.alpha"];
        Assert.Contains("node.alpha.key.pre-activation", system.DependsOn);
        Assert.Contains("node.alpha.key.original-name", system.DependsOn);
        Assert.DoesNotContain("node.alpha.key.post-activation", system.DependsOn);
        Assert.Equal(["node.alpha"], graph.Resources["node.alpha.key.post-activation"].DependsOn.ToArray());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_key_with_only_its_text_gets_colmenas_defaults()
    {
        var graph = await FleetEvaluation.HiveGraphAsync("key-default.nix");

        var secret = graph.Resources["node.test.key.topSecret"];
        Assert.Equal("/run/keys/topSecret", secret.InputString("destination"));
        Assert.Equal("root", secret.InputString("owner"));
        Assert.Equal("root", secret.InputString("group"));
        Assert.Equal("0600", secret.InputString("mode"));
        Assert.Equal("before-activation", secret.InputString("upload"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_keys_path_is_its_dest_dir_and_name()
    {
        using var path = await FleetEvaluation.HiveJsonAsync("keys.nix", "nodes.alpha.config.deployment.keys.original-name.path");

        Assert.Equal("/run/keys/custom-name", path.RootElement.GetString());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_keys_path_cannot_be_set()
    {
        var error = await Assert.ThrowsAsync<NixEvaluationException>(() => FleetEvaluation.HiveGraphAsync("key-path-set.nix"));

        Assert.Contains("deployment.keys.k.path", error.Message, StringComparison.Ordinal);
        Assert.Contains("read-only", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_key_command_given_as_a_string_is_refused_naming_the_option()
    {
        var error = await Assert.ThrowsAsync<NixEvaluationException>(() => FleetEvaluation.HiveGraphAsync("key-command-string.nix"));

        Assert.Contains("deployment.keys.elohim.keyCommand", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_key_with_two_sources_is_refused_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<NixEvaluationException>(() => FleetEvaluation.HiveGraphAsync("key-two-sources.nix"));

        Assert.Contains("deployment.keys.both: give exactly one of `text`, `keyFile` and `keyCommand`", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Key_text_enters_no_file_of_the_nodes_derivation_closure()
    {
        var graph = await FleetEvaluation.HiveGraphAsync("keys.nix");
        var drv = graph.Resources["node.alpha"].InputString("drvPath")!;

        var closure = await new ProcessRunner().RunCheckedAsync(ProcessSpec.Create("nix-store", "--query", "--requisites", drv), CancellationToken.None);

        var files = closure.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p])
            .Where(File.Exists)
            .ToList();
        Assert.Contains(files, f => f.EndsWith("-unit-pre-activation-key.drv", StringComparison.Ordinal));
        Assert.All(files, f =>
        {
            var text = File.ReadAllText(f);
            Assert.DoesNotContain("@poison@", text, StringComparison.Ordinal);
            Assert.DoesNotContain("pre-activation key", text, StringComparison.Ordinal);
        });
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Each_key_has_a_path_unit_starting_its_key_service_once_the_file_exists()
    {
        using var paths = await FleetEvaluation.HiveJsonAsync("keys.nix", "nodes.alpha.config.systemd.paths");
        using var services = await FleetEvaluation.HiveJsonAsync("keys.nix", "nodes.alpha.config.systemd.services");

        var unit = paths.RootElement.GetProperty("original-name-key");
        Assert.Equal("/run/keys/custom-name", unit.GetProperty("pathConfig").GetProperty("PathExists").GetString());
        Assert.Equal(["paths.target"], unit.GetProperty("wantedBy").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(
            ["key-command-key", "key-file-2-key", "key-file-key", "key-text-key", "original-name-key", "post-activation-key", "pre-activation-key"],
            paths.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var service = services.RootElement.GetProperty("pre-activation-key");
        Assert.Empty(service.GetProperty("wantedBy").EnumerateArray());
        Assert.Contains("/run/keys/pre-activation", service.GetProperty("preStart").GetString(), StringComparison.Ordinal);
        Assert.Equal(["pre-activation-key.service"], services.RootElement.GetProperty("uses-key").GetProperty("after").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Allow_apply_all_false_refuses_an_apply_without_a_selection_and_allows_one_with()
    {
        var graph = await FleetEvaluation.HiveGraphAsync("apply-all.nix");

        Assert.False(graph.AllowApplyAll);
        var error = Assert.Throws<FleetException>(() => PlanScope.Everything.RequireAllowedToApply(graph));
        Assert.Contains("meta.allowApplyAll = false", error.Message, StringComparison.Ordinal);
        new PlanScope(NodeSelector.Parse("@target"), []).RequireAllowedToApply(graph);
        new PlanScope(NodeSelector.All, ["node.alpha"]).RequireAllowedToApply(graph);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Fleet_apply_without_on_of_a_hive_that_disallows_apply_all_is_refused_before_any_state_exists()
    {
        var dir = Directory.CreateTempSubdirectory("fleet-apply-all-").FullName;
        var hive = Path.Combine(dir, "hive.nix");
        File.Copy(FleetEvaluation.Hive("apply-all.nix"), hive);

        var result = await new ProcessRunner().RunAsync(
            ProcessSpec.Create("dotnet", Path.Combine(AppContext.BaseDirectory, "fleet.dll"), "apply", "-f", hive, "--plain").WithWorkingDirectory(dir),
            CancellationToken.None);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no node selection given, and fleet fleet sets meta.allowApplyAll = false", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(["hive.nix"], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName));
        Directory.Delete(dir, recursive: true);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_hive_allows_apply_all_unless_it_says_otherwise()
    {
        var graph = await FleetEvaluation.HiveGraphAsync("simple.nix");

        Assert.True(graph.AllowApplyAll);
        PlanScope.Everything.RequireAllowedToApply(graph);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_machines_file_and_replace_unknown_profiles_reach_each_nodes_system()
    {
        var graph = await FleetEvaluation.HiveGraphAsync("apply-all.nix");

        var machines = Path.Combine(Path.GetDirectoryName(FleetEvaluation.Hive("apply-all.nix"))!, "machines");
        Assert.All(graph.Nodes, n => Assert.Equal(machines, n.InputString("machinesFile")));
        Assert.False(graph.Resources["node.alpha"].Inputs.GetProperty("replaceUnknownProfiles").GetBoolean());
        Assert.True(graph.Resources["node.deployer"].Inputs.GetProperty("replaceUnknownProfiles").GetBoolean());
    }
}
