using Fleet.Agent.Activation;

namespace Fleet.Agent.Tests;

/// <summary>How the agent reads a profile's generations, which rollback puts back and prunes.</summary>
public sealed class ProfileGenerationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fleet-agent-profile").FullName;

    private string Profile => Path.Combine(_root, "profiles", "system");

    [Fact]
    public void The_generation_is_the_number_of_the_link_the_profile_points_at()
    {
        var systems = Generations(3);
        File.CreateSymbolicLink(Profile, "system-2-link");

        Assert.Equal(2, SystemSwitcher.Generation(Profile));
        Assert.Equal(systems[1], SystemSwitcher.SystemOf(Profile, 2));
    }

    [Fact]
    public void The_highest_generation_counts_those_above_the_current_one()
    {
        Generations(3);
        File.CreateSymbolicLink(Profile, "system-1-link");

        Assert.Equal(3, SystemSwitcher.HighestGeneration(Profile));
    }

    [Fact]
    public void Without_a_profile_there_is_no_generation()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Profile)!);

        Assert.Null(SystemSwitcher.Generation(Profile));
        Assert.Null(SystemSwitcher.HighestGeneration(Profile));
        Assert.Null(SystemSwitcher.SystemOf(Profile, 1));
    }

    [Fact]
    public void Links_of_other_profiles_beside_it_are_not_its_generations()
    {
        Generations(1);
        File.CreateSymbolicLink(Profile, "system-1-link");
        File.CreateSymbolicLink(Path.Combine(_root, "profiles", "system-extra-9-link"), _root);
        File.CreateSymbolicLink(Path.Combine(_root, "profiles", "system-link"), _root);

        Assert.Equal(1, SystemSwitcher.HighestGeneration(Profile));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>system-1-link .. system-N-link, each to a system directory of its own.</summary>
    private string[] Generations(int count)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Profile)!);
        return [.. Enumerable.Range(1, count).Select(n =>
        {
            var system = Directory.CreateDirectory(Path.Combine(_root, $"store-{n}")).FullName;
            File.CreateSymbolicLink($"{Profile}-{n}-link", system);
            return system;
        })];
    }
}
