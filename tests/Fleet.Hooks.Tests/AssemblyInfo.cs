// Testbed tests each bring up their own nodes; two at once on a 2-core machine keeps timings honest.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
