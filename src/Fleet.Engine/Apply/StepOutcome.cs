namespace Fleet.Engine.Apply;

/// <summary>How one scheduled step ended.</summary>
public enum StepOutcome
{
    Succeeded,
    Failed,

    /// <summary>Not run because a dependency failed or was skipped.</summary>
    Skipped,

    /// <summary>Not run because the run was interrupted before it could start.</summary>
    NotStarted,
}
