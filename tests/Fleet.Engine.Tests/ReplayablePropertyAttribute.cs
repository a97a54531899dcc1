using FsCheck.Xunit;

namespace Fleet.Engine.Tests;

/// <summary>
/// An FsCheck property that can be replayed: a failure prints FsCheck's seed as
/// `(seed,gamma)` after "Falsifiable, after N tests"; FLEET_PROPERTY_REPLAY="seed,gamma" runs
/// every such property from that seed, so the same scenarios (random delays included, when they
/// are drawn from a generated seed) come again.
/// </summary>
/// <remarks>
/// FsCheck.Xunit runs properties through its own test case, which ignores xunit's `Timeout`:
/// a property bounds its own runs instead.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ReplayablePropertyAttribute : PropertyAttribute
{
    public const string ReplayVariable = "FLEET_PROPERTY_REPLAY";

    public ReplayablePropertyAttribute()
    {
        if (Environment.GetEnvironmentVariable(ReplayVariable) is { Length: > 0 } replay)
        {
            Replay = replay;
        }
    }
}
