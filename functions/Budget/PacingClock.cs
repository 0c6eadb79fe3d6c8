namespace Shiming.Budget;

/// <summary>
/// Wakes callers waiting for a start time on a thread of its own, and runs what follows their wait on that thread, up
/// to the first wait of their own: for a paced call, the check of recent starts and the write of its request.
/// <para>
/// A <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/> wakes its caller through the thread pool's
/// queue, behind whatever work is queued there; while the app is also accepting a burst (images checked, encrypted,
/// written), that queue is long, and a caller woken late gives up its start time. A thread that only sleeps until
/// the next time due is woken by the kernel when it is due.
/// </para>
/// </summary>
internal static class PacingClock
{
    private static readonly object Gate = new(); // a monitor: the clock sleeps on it with Monitor.Wait
    private static readonly PriorityQueue<Waiter, long> Due = new();
    private static readonly Thread Thread = StartThread();

    /// <summary>
    /// Completes at <paramref name="dueAt"/> by <paramref name="time"/>. On the system clock the continuation runs on the
    /// pacing thread; on any other clock (a test's) this is <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/>.
    /// </summary>
    public static Task WaitUntilAsync(DateTimeOffset dueAt, TimeProvider time, CancellationToken cancellationToken)
    {
        var delay = dueAt - time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        if (time != TimeProvider.System)
        {
            return Task.Delay(delay, time, cancellationToken);
        }

        // Continuations run synchronously on the thread that completes the task: that is the point.
        var waiter = new Waiter(new TaskCompletionSource(TaskCreationOptions.None));
        waiter.Cancellation = cancellationToken.Register(static state => ((Waiter)state!).Completion.TrySetCanceled(), waiter);
        lock (Gate)
        {
            Due.Enqueue(waiter, dueAt.UtcTicks);
            Monitor.PulseAll(Gate);
        }

        _ = Thread; // started on first use
        return waiter.Completion.Task;
    }

    private static Thread StartThread()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "Shiming pacing clock" };
        thread.Start();
        return thread;
    }

    private static void Run()
    {
        var ready = new List<Waiter>();
        while (true)
        {
            lock (Gate)
            {
                while (true)
                {
                    if (!Due.TryPeek(out _, out var next))
                    {
                        Monitor.Wait(Gate);
                        continue;
                    }

                    var wait = next - DateTimeOffset.UtcNow.UtcTicks;
                    if (wait > 0)
                    {
                        Monitor.Wait(Gate, TimeSpan.FromTicks(wait));
                        continue;
                    }

                    while (Due.TryPeek(out _, out var at) && at <= DateTimeOffset.UtcNow.UtcTicks)
                    {
                        ready.Add(Due.Dequeue());
                    }

                    break;
                }
            }

            foreach (var waiter in ready)
            {
                // An awaiting method's exceptions end up in its own task, so none reaches this thread.
                waiter.Cancellation.Dispose();
                waiter.Completion.TrySetResult();
            }

            ready.Clear();
        }
    }

    private sealed class Waiter(TaskCompletionSource completion)
    {
        public TaskCompletionSource Completion { get; } = completion;

        public CancellationTokenRegistration Cancellation { get; set; }
    }
}
