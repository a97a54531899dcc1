using System.Collections.Immutable;

namespace Fleet.Protocol;

/// <summary>
/// Whether the new system needs a reboot to run fully: which of its boot parts (`kernel`,
/// `initrd`, `kernel-modules`, the links of a NixOS toplevel) differ from the running system's.
/// </summary>
public sealed record RebootCheck(ImmutableArray<string> Changed)
{
    public bool Needed => !Changed.IsDefaultOrEmpty;
}
