namespace Fleet.Providers.NixOS;

/// <summary>
/// What a goal asks of a node, as nixos-rebuild means it: `switch` runs the system and boots it
/// (so does `boot` with a reboot), `boot` makes it what boots next, `test` runs it.
/// `dry-activate` and `build` change nothing on the node, so nothing ever meets them.
/// </summary>
public static class GoalCheck
{
    /// <summary>Does a node that runs <paramref name="running"/> and boots <paramref name="boots"/> have what the goal wants?</summary>
    /// <remarks>Outputs recorded before fleet recorded bootSystem have none: such a node boots what it runs.</remarks>
    public static bool IsMet(SystemInputs inputs, string expected, string? running, string? boots)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        boots ??= running;
        return inputs.Goal switch
        {
            "switch" => running == expected && boots == expected,
            "boot" => boots == expected && (!inputs.Reboot || running == expected),
            "test" => running == expected,
            _ => false,
        };
    }

    /// <summary>Why a node whose configuration did not change does not have what its goal wants.</summary>
    public static string Why(SystemInputs inputs, string expected, string? running, string? boots)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        boots ??= running;
        if (inputs.Goal == "boot" && boots != expected)
        {
            return $"drift: the node boots {boots ?? "nothing known"} next, not {expected}";
        }

        if (running != expected)
        {
            return boots == expected && inputs.Goal != "test"
                ? $"the node runs {running ?? "nothing"} and boots {expected} next"
                : $"drift: the node runs {running ?? "nothing known"}, not {expected}";
        }

        return $"drift: the node runs {expected} but boots {boots ?? "nothing known"} next";
    }
}
