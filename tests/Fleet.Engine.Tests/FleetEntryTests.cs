using Fleet.Engine.Errors;
using Fleet.Engine.Nix;

namespace Fleet.Engine.Tests;

/// <summary>What `-f` names and what fleet finds without it (no Nix: files in a temporary tree).</summary>
public sealed class FleetEntryTests : IDisposable
{
    private readonly string _root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"fleet-entry-{Guid.NewGuid():N}")).FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Touch(string relative)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "{ }");
        return path;
    }

    private string Dir(string relative) => Directory.CreateDirectory(Path.Combine(_root, relative)).FullName;

    [Fact]
    public void Without_f_the_nearest_directory_upward_with_an_entry_wins()
    {
        Touch("fleet.nix");
        Touch("infra/flake.nix");
        var below = Dir("infra/hosts/web");

        var found = Assert.IsType<FlakeReference>(FleetEntry.Discover(below));

        Assert.Equal(Path.Combine(_root, "infra"), found.Directory);
        Assert.Equal(Path.Combine(_root, "infra"), found.Reference);
        Assert.True(found.AttributePath.IsEmpty);
    }

    [Fact]
    public void In_one_directory_fleet_nix_comes_before_hive_nix_before_flake_nix()
    {
        Touch("flake.nix");
        Touch("hive.nix");
        Assert.Equal(Path.Combine(_root, "hive.nix"), Assert.IsType<FleetFile>(FleetEntry.Discover(_root)).Path);

        Touch("fleet.nix");
        Assert.Equal(Path.Combine(_root, "fleet.nix"), Assert.IsType<FleetFile>(FleetEntry.Discover(_root)).Path);
    }

    [Fact]
    public void A_plain_existing_file_stays_a_file_and_a_file_named_flake_nix_is_its_directorys_flake()
    {
        var hive = Touch("deploy/hive.nix");
        var flake = Touch("deploy/flake.nix");

        Assert.Equal(hive, Assert.IsType<FleetFile>(FleetEntry.Parse("deploy/hive.nix", _root)).Path);
        Assert.Equal(Path.GetDirectoryName(flake), Assert.IsType<FlakeReference>(FleetEntry.Parse(flake, "/")).Directory);
    }

    [Fact]
    public void A_directory_with_a_flake_nix_is_that_flake_even_beside_a_fleet_nix()
    {
        Touch("fleet.nix");
        Touch("flake.nix");

        var entry = Assert.IsType<FlakeReference>(FleetEntry.Parse(".", _root));

        Assert.Equal(_root, entry.Reference);
    }

    [Fact]
    public void Local_flake_references_are_made_absolute_and_the_attribute_path_is_split()
    {
        Touch("infra/flake.nix");

        var hashed = Assert.IsType<FlakeReference>(FleetEntry.Parse(".#fleets.\"eu.west\"", Path.Combine(_root, "infra")));
        var pathScheme = Assert.IsType<FlakeReference>(FleetEntry.Parse("path:infra#prod", _root));
        var git = Assert.IsType<FlakeReference>(FleetEntry.Parse($"git+file://{_root}/infra?ref=main", "/"));

        Assert.Equal(Path.Combine(_root, "infra"), hashed.Reference);
        Assert.Equal(["fleets", "eu.west"], hashed.AttributePath.ToArray());
        Assert.Equal($"path:{_root}/infra", pathScheme.Reference);
        Assert.Equal(["prod"], pathScheme.AttributePath.ToArray());
        Assert.Equal($"git+file://{_root}/infra?ref=main", git.Reference);
        Assert.Equal(Path.Combine(_root, "infra"), git.Directory);
    }

    [Fact]
    public void A_remote_flake_keeps_its_reference_and_the_fleet_directory_is_the_current_one()
    {
        var entry = Assert.IsType<FlakeReference>(FleetEntry.Parse("github:example/infra#fleet", _root));

        Assert.Equal("github:example/infra", entry.Reference);
        Assert.False(entry.IsLocal);
        Assert.Equal(_root, new FleetSource(entry).Directory);
    }

    [Fact]
    public void A_local_flake_that_does_not_exist_is_an_error_naming_it()
    {
        var missing = Assert.Throws<FleetException>(() => FleetEntry.Parse("path:./nowhere", _root));
        Dir("empty");
        var noFlake = Assert.Throws<FleetException>(() => FleetEntry.Parse("./empty#fleet", _root));

        Assert.Equal($"flake path:./nowhere does not exist: no directory {_root}/nowhere", missing.Message);
        Assert.Equal($"flake ./empty has no flake.nix in {_root}/empty", noFlake.Message);
    }
}
