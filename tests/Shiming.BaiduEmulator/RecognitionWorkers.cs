using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Shiming.BaiduEmulator;

/// <summary>
/// The threads PaddleOCR reads on: one per core, of their own and at a lower priority than the rest of the process.
/// Readings used to run on the thread pool, where two CPU-bound models on two cores left Kestrel no thread to accept,
/// stamp and admit the next call until the pool grew: calls sent 100 ms apart were stamped within a few milliseconds
/// of each other after a stall, and refused with error 18. Off the pool and below the request threads' priority, a
/// reading delays its own answer, never another call's arrival.
/// </summary>
internal static class RecognitionWorkers
{
    // Linux's nice value for the reading threads: well below the request threads (0), so the scheduler lets those run first.
    private const int Niceness = 10;

    private static readonly BlockingCollection<WorkItem> Queue = StartWorkers();

    /// <summary>
    /// Runs <paramref name="work"/> on a reading thread once one is free; throws <see cref="OperationCanceledException"/>
    /// when <paramref name="cancellationToken"/> fires before a thread took it.
    /// </summary>
    public static Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        var item = new WorkItem<T>(work);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        var registration = cancellationToken.Register(() => item.CancelIfWaiting(cancellationToken));
        item.Completion.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        Queue.Add(item, CancellationToken.None);
        return item.Completion.Task;
    }

    private static BlockingCollection<WorkItem> StartWorkers()
    {
        var queue = new BlockingCollection<WorkItem>();
        for (var i = 0; i < Environment.ProcessorCount; i++)
        {
            var thread = new Thread(() => Work(queue))
            {
                IsBackground = true,
                Name = $"PaddleOCR reader {i + 1}",
                Priority = ThreadPriority.BelowNormal,
            };
            thread.Start();
        }

        return queue;
    }

    private static void Work(BlockingCollection<WorkItem> queue)
    {
        LowerPriority();
        foreach (var item in queue.GetConsumingEnumerable())
        {
            item.Run();
        }
    }

    /// <summary>On Linux <see cref="Thread.Priority"/> changes nothing; the thread's nice value is what the scheduler weighs.</summary>
    private static void LowerPriority()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = NativeMethods.setpriority(NativeMethods.PrioProcess, NativeMethods.gettid(), Niceness);
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            // An unusual C library: the readings then run at normal priority, still off the thread pool.
        }
    }

    private abstract class WorkItem
    {
        private const int Waiting = 0;
        private const int Taken = 1;
        private const int Cancelled = 2;
        private int _state;

        public void Run()
        {
            if (Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting)
            {
                Execute();
            }
        }

        public void CancelIfWaiting(CancellationToken cancellationToken)
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Waiting) == Waiting)
            {
                Cancel(cancellationToken);
            }
        }

        protected abstract void Execute();

        protected abstract void Cancel(CancellationToken cancellationToken);
    }

    private sealed class WorkItem<T>(Func<T> work) : WorkItem
    {
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override void Execute()
        {
            try
            {
                Completion.SetResult(work());
            }
#pragma warning disable CA1031 // Whatever the reading throws belongs to the caller, who awaits it.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Completion.SetException(exception);
            }
        }

        protected override void Cancel(CancellationToken cancellationToken) => Completion.TrySetCanceled(cancellationToken);
    }

    private static partial class NativeMethods
    {
        public const int PrioProcess = 0;

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int setpriority(int which, int who, int prio);

        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int gettid();
    }
}
