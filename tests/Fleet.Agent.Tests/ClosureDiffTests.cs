using Fleet.Nodes;
using Fleet.Protocol;

namespace Fleet.Agent.Tests;

/// <summary>The closure diff `fleet plan` shows: store paths grouped by package name, versions parsed off the names as Nix does.</summary>
public sealed class ClosureDiffTests
{
    private const string Hash = "0123456789abcdfghijklmnpqrsvwxyz";

    [Theory]
    [InlineData("hello-2.12", "hello", "2.12")]
    [InlineData("python3-3.11.4-env", "python3", "3.11.4")]
    [InlineData("hello-2.12-standin", "hello", "2.12")]
    [InlineData("nixos-system-web-25.05.standin", "nixos-system-web", "25.05.standin")]
    [InlineData("glibc-2.38-27-bin", "glibc", "2.38-27")]
    [InlineData("etc", "etc", "")]
    [InlineData("unit-web.service", "unit-web.service", "")]
    [InlineData("openssl-3.0.12-lib64", "openssl", "3.0.12")]
    public void A_store_name_splits_at_the_first_dash_before_a_digit_after_dropping_an_output_name(string name, string package, string version)
    {
        Assert.Equal(new StoreName(package, version), StoreName.Parse($"/nix/store/{Hash}-{name}"));
    }

    [Fact]
    public void A_store_path_is_shown_by_the_first_seven_characters_of_its_hash()
    {
        Assert.Equal("0123456", StoreName.ShortHash($"/nix/store/{Hash}-nixos-system-web-25.05"));
    }

    [Fact]
    public void A_package_whose_version_changed_is_listed_with_both_versions_and_its_size_change()
    {
        var diff = ClosureDiffer.Compute(
            [Path("aaaa", "hello-2.12", 40_000), Path("bbbb", "bash-5.2", 1_000_000)],
            [Path("cccc", "hello-2.12.1", 52_288), Path("bbbb", "bash-5.2", 1_000_000)],
            "deployer");

        var hello = Assert.Single(diff.Packages);
        Assert.Equal("hello", hello.Name);
        Assert.Equal(["2.12"], hello.Before.ToArray());
        Assert.Equal(["2.12.1"], hello.After.ToArray());
        Assert.Equal(12_288, hello.SizeDelta);
        Assert.False(hello.IsAdded || hello.IsRemoved);
    }

    [Fact]
    public void Added_and_removed_packages_are_listed_with_no_versions_on_the_other_side()
    {
        var diff = ClosureDiffer.Compute([Path("aaaa", "wget-1.21", 3000)], [Path("bbbb", "curl-8.4.0", 2000)], "node");

        Assert.Collection(
            diff.Packages,
            curl =>
            {
                Assert.Equal("curl", curl.Name);
                Assert.True(curl.IsAdded);
                Assert.Equal(["8.4.0"], curl.After.ToArray());
                Assert.Equal(2000, curl.SizeDelta);
            },
            wget =>
            {
                Assert.Equal("wget", wget.Name);
                Assert.True(wget.IsRemoved);
                Assert.Equal(["1.21"], wget.Before.ToArray());
                Assert.Equal(-3000, wget.SizeDelta);
            });
        Assert.Equal("node", diff.ComputedOn);
    }

    [Fact]
    public void A_package_with_the_same_versions_is_listed_only_when_its_size_moved_by_8_KiB_or_more()
    {
        var diff = ClosureDiffer.Compute(
            [Path("aaaa", "etc", 1000), Path("bbbb", "unit-web", 500)],
            [Path("cccc", "etc", 1000 + 8192), Path("dddd", "unit-web", 900)],
            "deployer");

        var etc = Assert.Single(diff.Packages);
        Assert.Equal("etc", etc.Name);
        Assert.Equal(8192, etc.SizeDelta);
    }

    [Fact]
    public void The_closure_counts_the_paths_added_and_removed_and_the_total_size_change()
    {
        var diff = ClosureDiffer.Compute(
            [Path("aaaa", "hello-2.12", 40_000), Path("bbbb", "bash-5.2", 1_000_000), Path("eeee", "nixos-system-web-25.05", 100)],
            [Path("cccc", "hello-2.12.1", 52_000), Path("bbbb", "bash-5.2", 1_000_000), Path("ffff", "nixos-system-web-25.05", 100)],
            "deployer");

        Assert.Equal(2, diff.PathsAdded);
        Assert.Equal(2, diff.PathsRemoved);
        Assert.Equal(1_040_100, diff.SizeBefore);
        Assert.Equal(12_000, diff.SizeDelta);
    }

    [Fact]
    public void Paths_of_one_package_with_outputs_count_as_one_version()
    {
        var diff = ClosureDiffer.Compute(
            [Path("aaaa", "glibc-2.38", 100), Path("bbbb", "glibc-2.38-bin", 100)],
            [Path("cccc", "glibc-2.39", 100), Path("dddd", "glibc-2.39-bin", 100)],
            "deployer");

        var glibc = Assert.Single(diff.Packages);
        Assert.Equal(["2.38"], glibc.Before.ToArray());
        Assert.Equal(["2.39"], glibc.After.ToArray());
    }

    [Fact]
    public void Identical_closures_have_no_changes()
    {
        StorePathSize[] closure = [Path("aaaa", "hello-2.12", 40_000)];

        var diff = ClosureDiffer.Compute(closure, closure, "deployer");

        Assert.Empty(diff.Packages);
        Assert.Equal(0, diff.PathsAdded + diff.PathsRemoved);
        Assert.Equal(0, diff.SizeDelta);
    }

    private static StorePathSize Path(string hashStart, string name, long size) =>
        new($"/nix/store/{hashStart}{Hash[hashStart.Length..]}-{name}", size);
}
