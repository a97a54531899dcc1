using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fleet.State;

namespace Fleet.State.Tests.Dummy;

/// <summary>
/// Verbs (each prints its progress on stdout, one line per step, flushed):
///   hold-lock DB          take the lock, print "locked", hold it until stdin closes or the process is killed
///   race-lock DB MS       print "ready", wait for a line on stdin, try the lock, print "won" (and hold it MS ms) or "refused"
///   write-many DB COUNT   put COUNT resources, printing "wrote ID" after each put returns
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        var ct = cancellation.Token;
        await using var store = await StateStore.OpenAsync(args[1], ct);
        switch (args[0])
        {
            case "hold-lock":
            {
                await using var held = await store.AcquireLockAsync("dummy hold", ct);
                Say("locked");
                await Console.In.ReadToEndAsync(ct);
                return 0;
            }

            case "race-lock":
            {
                Say("ready");
                _ = await Console.In.ReadLineAsync(ct);
                try
                {
                    await using var held = await store.AcquireLockAsync("dummy race", ct);
                    Say("won");
                    await Task.Delay(int.Parse(args[2], CultureInfo.InvariantCulture), ct);
                }
                catch (StateLockedException)
                {
                    Say("refused");
                }

                return 0;
            }

            case "write-many":
            {
                var count = int.Parse(args[2], CultureInfo.InvariantCulture);
                for (var i = 0; i < count; i++)
                {
                    await store.PutAsync(Resource(i), ct);
                    Say($"wrote r{i}");
                }

                return 0;
            }

            default:
                await Console.Error.WriteLineAsync("unknown verb " + args[0]);
                return 2;
        }
    }

    /// <summary>A resource whose inputs carry their own checksum, so a torn row would show.</summary>
    public static ResourceState Resource(int i)
    {
        var payload = new string((char)('a' + (i % 26)), 4096 + i % 977);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payload)));
        var inputs = JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["i"] = i, ["payload"] = payload, ["sha256"] = checksum });
        var now = DateTimeOffset.UtcNow;
        return new ResourceState($"r{i}", "test.blob", "test", "node" + (i % 3), inputs, inputs, ResourceStatus.Ready, now, now, null);
    }

    private static void Say(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }
}
