using System.Collections;

namespace Spotlight.Server;

/// <summary>
/// The tasks registered with <see cref="SpotlightServerBuilder.AddTask"/>, in registration order (the order of
/// <c>/v1/models</c>). Names and endpoints are unique.
/// </summary>
public sealed class ServedTasks : IReadOnlyList<ServedTask>
{
    private readonly List<ServedTask> tasks = [];

    public ServedTask this[int index] => tasks[index];
    public int Count => tasks.Count;

    /// <summary>The tasks that have a model, with its card.</summary>
    public IEnumerable<(ServedTask Task, ServedModelInfo Card)> Loaded =>
        tasks.Where(t => t.Card is not null).Select(t => (t, t.Card!));

    internal void Add(ServedTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (tasks.Any(t => t.Name == task.Name))
            throw new InvalidOperationException($"a task named '{task.Name}' is already registered");
        if (tasks.Any(t => string.Equals(t.Endpoint, task.Endpoint, StringComparison.OrdinalIgnoreCase)))
            throw new InvalidOperationException($"the endpoint {task.Endpoint} is already served by another task");
        tasks.Add(task);
    }

    public IEnumerator<ServedTask> GetEnumerator() => tasks.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
