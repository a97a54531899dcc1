namespace Fleet.State;

/// <summary>What the last apply left a resource as.</summary>
public enum ResourceStatus
{
    /// <summary>Created or updated successfully; its outputs are true.</summary>
    Ready,

    /// <summary>Its last apply failed after partially creating it; the next apply retries.</summary>
    Failed,

    /// <summary>It must be replaced (deleted and created again) by the next apply.</summary>
    Tainted,
}
