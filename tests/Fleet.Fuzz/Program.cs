using Fleet.Fuzz;
using SharpFuzz;

// The fuzz harness (docs/architecture.md, "Fuzzing"). Run it as `dotnet Fleet.Fuzz.dll ...`:
//   TARGET             under afl-fuzz (script/fuzz): SharpFuzz's fork server, inputs on stdin; the
//                      fuzzed code runs in a child process, so a stack overflow or a hang is a finding
//                      and not the end of the run; outside afl-fuzz, stdin is run once
//   TARGET FILE...     each file once, in this process: "ok" or the finding with its stack (exit 1)
//   --list             the targets
if (args.Length == 0 || args[0] is "--help" or "-h")
{
    Console.Error.WriteLine("usage: dotnet Fleet.Fuzz.dll (--list | TARGET [FILE...])");
    return 2;
}

if (args[0] == "--list")
{
    foreach (var t in FuzzTargets.All)
    {
        Console.WriteLine($"{t.Name,-20} {t.Description}");
    }

    return 0;
}

if (FuzzTargets.Find(args[0]) is not { } target)
{
    Console.Error.WriteLine($"Fleet.Fuzz: no target `{args[0]}` (--list shows them)");
    return 2;
}

if (args.Length == 1)
{
    // afl-fuzz sees a crash, not which exception: script/fuzz has each one written down too
    // (FLEET_FUZZ_EXCEPTIONS), so a finding that does not come again when run alone (a race) is
    // still named.
    var exceptions = Environment.GetEnvironmentVariable("FLEET_FUZZ_EXCEPTIONS");
    if (exceptions is { Length: > 0 })
    {
        // A process that dies of an exception says which (at the end of a run, afl-fuzz closing the
        // pipes is one); one killed by the runtime (a stack overflow) says so on stderr, in afl.log.
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            File.AppendAllText(exceptions, $"--- the fuzzing process {Environment.ProcessId} died of an unhandled exception\n{e.ExceptionObject}\n");
    }

    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var input = new MemoryStream();
        stream.CopyTo(input);
        try
        {
            target.Run(input.ToArray());
        }
        catch (Exception e) when (exceptions is { Length: > 0 } && Note(exceptions, input.ToArray(), e))
        {
            throw;
        }
    });
    return 0;
}

var findings = 0;
foreach (var file in args.Skip(1))
{
    try
    {
        target.Run(File.ReadAllBytes(file));
        Console.WriteLine($"{file}: ok");
    }
    catch (Exception e) when (e is not OutOfMemoryException)
    {
        findings++;
        Console.WriteLine($"{file}: FINDING {e.GetType().FullName}: {e.Message}");
        Console.WriteLine(e.StackTrace);
    }
}

return findings == 0 ? 0 : 1;

static bool Note(string path, byte[] input, Exception e)
{
    File.AppendAllText(path, $"--- input sha256 {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(input))}\n{e}\n");
    return false;
}
