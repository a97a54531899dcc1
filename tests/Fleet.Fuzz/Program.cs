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
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var input = new MemoryStream();
        stream.CopyTo(input);
        target.Run(input.ToArray());
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
