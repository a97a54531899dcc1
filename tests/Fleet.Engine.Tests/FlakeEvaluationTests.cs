using Fleet.Engine.Errors;
using Fleet.Engine.Graph;
using Fleet.Engine.Nix;
using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Engine.Tests;

/// <summary>
/// Flakes evaluated through Nix's flake support (fixtures/flakes, copied; their nixpkgs input is the
/// nixpkgs STAND-IN, tests/nixpkgs-standin, and colmena-hive's makeHive is a STAND-IN for Colmena's).
/// </summary>
public sealed class FlakeEvaluationTests
{
    private static Task<ResourceGraph> GraphAsync(FleetSource source) =>
        FleetEvaluation.Evaluator().EvaluateGraphAsync(source, CancellationToken.None);

    private static FleetSource Flake(string reference, string? currentDirectory = null) =>
        new(FleetEntry.Parse(reference, currentDirectory ?? Environment.CurrentDirectory));

    /// <summary>`nix eval --raw FLAKE#ATTR` on its own, to compare with what fleet read (impure: the stand-in's toplevel reads currentSystem).</summary>
    private static async Task<string> NixEvalRawAsync(string flakeDirectory, string attribute)
    {
        var result = await new ProcessRunner().RunAsync(
            ProcessSpec.Create("nix", "--extra-experimental-features", NixEvaluator.FlakeFeatures, "eval", "--impure", "--raw", $"path:{flakeDirectory}#{attribute}"),
            CancellationToken.None);
        Assert.True(result.Succeeded, result.StandardError);
        return result.StandardOutput.Trim();
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_flake_is_read_from_outputs_fleet_before_colmena_and_never_from_packages()
    {
        using var flake = FlakeFixture.Copy("fleet");

        var graph = await GraphAsync(Flake(flake.Directory));

        Assert.Equal("flake-fleet", graph.Fleet);
        Assert.Equal(["node.db", "node.web"], graph.Nodes.Select(n => n.Id).Order(StringComparer.Ordinal));
        Assert.Equal("10.0.0.1", graph.Resources["node.web"].InputString("targetHost"));
        Assert.True(File.Exists(graph.Resources["node.web"].InputString("drvPath")), "the derivation is instantiated in the store");
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_flake_with_a_colmena_output_is_evaluated_as_a_hive()
    {
        using var flake = FlakeFixture.Copy("colmena");

        var graph = await GraphAsync(Flake(flake.Directory));

        Assert.Equal("flake-colmena", graph.Fleet);
        Assert.Equal("alpha.example", graph.Resources["node.alpha"].InputString("targetHost"));
        Assert.Equal(["hive"], graph.Resources["node.beta"].InputStrings("tags").ToArray());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_colmenaHive_is_read_through_makeHives_interface_with_the_hives_own_toplevels()
    {
        using var flake = FlakeFixture.Copy("colmena-hive");

        var graph = await GraphAsync(Flake(flake.Directory));

        Assert.Equal("made-hive", graph.Fleet);
        var b = graph.Resources["node.host-b"];
        Assert.Equal("somehost.tld", b.InputString("targetHost"));
        Assert.Equal(1234, b.Inputs.GetProperty("targetPort").GetInt32());
        Assert.Equal("luser", b.InputString("targetUser"));
        Assert.Equal(["b", "made"], b.InputStrings("tags").Order(StringComparer.Ordinal));
        Assert.Equal("host-a", graph.Resources["node.host-a"].InputString("targetHost"));
        Assert.Equal(await NixEvalRawAsync(flake.Directory, "colmenaHive.toplevel.host-b.drvPath"), b.InputString("drvPath"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task NixosConfigurations_are_deployed_only_when_asked_with_the_toplevel_they_build()
    {
        using var flake = FlakeFixture.Copy("nixos-configurations");

        var refused = await Assert.ThrowsAsync<NixEvaluationException>(() => GraphAsync(Flake(flake.Directory)));
        Assert.Contains("--nixos-configurations", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Its outputs are: nixosConfigurations", refused.Message, StringComparison.Ordinal);

        var graph = await GraphAsync(Flake(flake.Directory) with { ReadNixosConfigurations = true });

        Assert.Equal(["node.mail", "node.web"], graph.Nodes.Select(n => n.Id).Order(StringComparer.Ordinal));
        Assert.Equal("web", graph.Resources["node.web"].InputString("targetHost"));
        Assert.Equal(
            await NixEvalRawAsync(flake.Directory, "nixosConfigurations.web.config.system.build.toplevel.drvPath"),
            graph.Resources["node.web"].InputString("drvPath"));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Override_input_replaces_the_flakes_nixpkgs()
    {
        using var flake = FlakeFixture.Copy("override");

        var unreachable = await Assert.ThrowsAsync<NixEvaluationException>(() => GraphAsync(Flake(flake.Directory)));
        Assert.Contains("/nonexistent/nixpkgs-of-the-override-fixture", unreachable.Message, StringComparison.Ordinal);

        var graph = await GraphAsync(Flake(flake.Directory) with
        {
            InputOverrides = [new FlakeInputOverride("nixpkgs", $"path:{RepositoryPaths.NixpkgsStandin}")],
        });

        Assert.Equal("overridden", graph.Fleet);
        Assert.Equal(["node.solo"], graph.Nodes.Select(n => n.Id));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_flake_lock_is_honoured_until_an_override_input_replaces_the_locked_input()
    {
        var settings = Path.Combine(Path.GetTempPath(), $"fleet-flake-settings-{Guid.NewGuid():N}");
        Directory.CreateDirectory(settings);
        try
        {
            using var flake = FlakeFixture.Copy("locked", ("@settings@", settings));
            File.WriteAllText(Path.Combine(settings, "name.nix"), "\"as-locked\"");
            var lockStep = await new ProcessRunner().RunAsync(
                ProcessSpec.Create("nix", "--extra-experimental-features", NixEvaluator.FlakeFeatures, "flake", "lock", $"path:{flake.Directory}"),
                CancellationToken.None);
            Assert.True(lockStep.Succeeded, lockStep.StandardError);
            File.WriteAllText(Path.Combine(settings, "name.nix"), "\"changed-since\"");

            var locked = await GraphAsync(Flake(flake.Directory));
            var overridden = await GraphAsync(Flake(flake.Directory) with { InputOverrides = [new FlakeInputOverride("settings", $"path:{settings}")] });

            Assert.Equal("as-locked", locked.Fleet);
            Assert.Equal("changed-since", overridden.Fleet);
        }
        finally
        {
            Directory.Delete(settings, recursive: true);
        }
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_attribute_after_the_hash_names_the_output_to_read()
    {
        using var flake = FlakeFixture.Copy("named");

        var graph = await GraphAsync(Flake($"path:{flake.Directory}#fleets.staging"));

        Assert.Equal("staging", graph.Fleet);
        Assert.Equal(["node.s1"], graph.Nodes.Select(n => n.Id));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_missing_attribute_after_the_hash_is_an_error_naming_what_exists_there()
    {
        using var flake = FlakeFixture.Copy("named");

        var e = await Assert.ThrowsAsync<NixEvaluationException>(() => GraphAsync(Flake($"{flake.Directory}#fleets.nope")));

        Assert.Contains("no output attribute fleets.nope", e.Message, StringComparison.Ordinal);
        Assert.Contains("fleets has: production, staging", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_flake_without_an_output_fleet_reads_is_an_error_naming_the_flake_and_its_outputs()
    {
        using var flake = FlakeFixture.Copy("none");

        var e = await Assert.ThrowsAsync<NixEvaluationException>(() => GraphAsync(Flake(flake.Directory)));

        Assert.Contains($"flake {flake.Directory} has none of the outputs fleet reads (fleet, colmenaHive, colmena", e.Message, StringComparison.Ordinal);
        Assert.Contains("Its outputs are: lib, packages, templates", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_dirty_git_flake_is_evaluated_with_its_uncommitted_changes()
    {
        using var flake = FlakeFixture.Copy("fleet");
        var git = new ProcessRunner();
        foreach (var args in new[] { new[] { "init", "-q" }, ["add", "."], ["-c", "user.name=fleet", "-c", "user.email=fleet@test", "commit", "-qm", "fixture"] })
        {
            var step = await git.RunAsync(ProcessSpec.Create("git", args).WithWorkingDirectory(flake.Directory), CancellationToken.None);
            Assert.True(step.Succeeded, step.StandardError);
        }

        var fleetFile = flake.PathOf("fleet.nix");
        File.WriteAllText(fleetFile, File.ReadAllText(fleetFile).Replace("\"flake-fleet\"", "\"uncommitted\"", StringComparison.Ordinal));

        var graph = await GraphAsync(Flake(flake.Directory));

        Assert.Equal("uncommitted", graph.Fleet);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_state_of_a_flake_found_from_a_subdirectory_is_kept_beside_its_flake_nix()
    {
        using var flake = FlakeFixture.Copy("override");
        var below = Directory.CreateDirectory(flake.PathOf(Path.Combine("hosts", "solo"))).FullName;

        var entry = Assert.IsType<FlakeReference>(FleetEntry.Discover(below));
        var graph = await GraphAsync(new FleetSource(entry)
        {
            InputOverrides = [new FlakeInputOverride("nixpkgs", $"path:{RepositoryPaths.NixpkgsStandin}")],
        });

        Assert.Equal(flake.Directory, new FleetSource(entry).Directory);
        Assert.Equal("overridden", graph.Fleet);
    }
}
