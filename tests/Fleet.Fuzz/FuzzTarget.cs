namespace Fleet.Fuzz;

/// <summary>
/// One parser of untrusted input under fuzzing. <see cref="Run"/> returns normally when the input was
/// accepted or cleanly rejected (the exception types the parser documents); anything else escaping it
/// (an unexpected exception type, or a <see cref="FuzzFindingException"/> for a broken promise) is a
/// finding. Hangs and stack overflows are found by the fuzzer's timeout and the process's death.
/// </summary>
public abstract class FuzzTarget
{
    /// <summary>The target's name on the command line and its corpus folder's name.</summary>
    public abstract string Name { get; }

    /// <summary>What is fuzzed and what counts as a clean rejection, for `Fleet.Fuzz --list`.</summary>
    public abstract string Description { get; }

    public abstract void Run(byte[] input);
}
