// Each test deploys to its own testbed; two at once on a 2-core machine keeps timings honest.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
