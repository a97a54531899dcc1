using Fleet.Agent;

namespace Fleet.Agent.Tests;

public sealed class DirectoryFlushTests
{
    [Fact]
    public void A_directory_is_flushed_and_anything_else_is_refused_by_name()
    {
        var directory = Directory.CreateTempSubdirectory("fleet-flush-");
        try
        {
            var file = Path.Combine(directory.FullName, "secret");
            File.WriteAllText(file, "x");

            DirectoryFlush.Flush(directory.FullName);
            var notADirectory = Assert.Throws<IOException>(() => DirectoryFlush.Flush(file));
            var missing = Assert.Throws<IOException>(() => DirectoryFlush.Flush(Path.Combine(directory.FullName, "gone")));

            Assert.Contains(file, notADirectory.Message, StringComparison.Ordinal);
            Assert.Contains("gone", missing.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
