using Fleet.Testbed;

namespace Fleet.Fuzz.Tests;

/// <summary>
/// The short, deterministic half of fuzzing: every committed corpus input (seeds, and the inputs of
/// findings kept as regressions) through its target, in this process, without instrumentation.
/// </summary>
public sealed class CorpusTests
{
    public static string CorpusRoot => Path.Combine(RepositoryPaths.Root, "tests", "Fleet.Fuzz", "corpus");

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in FuzzTargets.All)
        {
            var folder = Path.Combine(CorpusRoot, target.Name);
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
            {
                data.Add(target.Name, Path.GetFileName(file));
            }
        }

        return data;
    }

    [Theory(Timeout = TestTimeouts.Local)]
    [MemberData(nameof(Inputs))]
    public async Task A_corpus_input_is_accepted_or_cleanly_rejected_by_its_target(string target, string file)
    {
        var input = await File.ReadAllBytesAsync(Path.Combine(CorpusRoot, target, file));

        await Task.Run(() => FuzzTargets.Find(target)!.Run(input));
    }

    [Fact]
    public void Every_target_has_a_corpus_and_every_corpus_a_target()
    {
        var folders = Directory.GetDirectories(CorpusRoot).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        var targets = FuzzTargets.All.Select(t => t.Name).Order(StringComparer.Ordinal);

        Assert.Equal(targets, folders);
        Assert.All(FuzzTargets.All, t => Assert.NotEmpty(Directory.GetFiles(Path.Combine(CorpusRoot, t.Name))));
    }
}
