using System.Text.Json.Nodes;
using TorchSharp.Modules;

namespace Spotlight.Checkpoints;

/// <summary>
/// A param group's hyperparameters as JSON (PyTorch's names), so a resumed run continues with the learning rate
/// a scheduler had reached, and with the same betas, eps and decay, as PyTorch's <c>load_state_dict</c> does.
/// </summary>
internal static class OptimizerOptionsJson
{
    private sealed record Field(string Name, bool IsFlag, Func<OptimizerOptions, object?> Get,
        Action<OptimizerOptions, object> Set);

    private static Field Number<T>(string name, Func<T, double?> get, Action<T, double> set) where T : OptimizerOptions =>
        new(name, false, o => get((T)o), (o, v) => set((T)o, (double)v));

    private static Field Flag<T>(string name, Func<T, bool?> get, Action<T, bool> set) where T : OptimizerOptions =>
        new(name, true, o => get((T)o), (o, v) => set((T)o, (bool)v));

    private static readonly Field[] Common =
    [
        Number<OptimizerOptions>("lr", o => o.LearningRate, (o, v) => o.LearningRate = v),
        Number<OptimizerOptions>("initial_lr", o => o.InitialLearningRate, (o, v) => o.InitialLearningRate = v),
    ];

    private static Field[] FieldsOf(OptimizerOptions options) => Common.Concat(options switch
    {
        Adam.Options =>
        [
            Number<Adam.Options>("beta1", o => o.beta1, (o, v) => o.beta1 = v),
            Number<Adam.Options>("beta2", o => o.beta2, (o, v) => o.beta2 = v),
            Number<Adam.Options>("eps", o => o.eps, (o, v) => o.eps = v),
            Number<Adam.Options>("weight_decay", o => o.weight_decay, (o, v) => o.weight_decay = v),
            Flag<Adam.Options>("amsgrad", o => o.amsgrad, (o, v) => o.amsgrad = v),
            Flag<Adam.Options>("maximize", o => o.maximize, (o, v) => o.maximize = v),
        ],
        AdamW.Options =>
        [
            Number<AdamW.Options>("beta1", o => o.beta1, (o, v) => o.beta1 = v),
            Number<AdamW.Options>("beta2", o => o.beta2, (o, v) => o.beta2 = v),
            Number<AdamW.Options>("eps", o => o.eps, (o, v) => o.eps = v),
            Number<AdamW.Options>("weight_decay", o => o.weight_decay, (o, v) => o.weight_decay = v),
            Flag<AdamW.Options>("amsgrad", o => o.amsgrad, (o, v) => o.amsgrad = v),
            Flag<AdamW.Options>("maximize", o => o.maximize, (o, v) => o.maximize = v),
        ],
        RMSProp.Options =>
        [
            Number<RMSProp.Options>("alpha", o => o.alpha, (o, v) => o.alpha = v),
            Number<RMSProp.Options>("eps", o => o.eps, (o, v) => o.eps = v),
            Number<RMSProp.Options>("weight_decay", o => o.weight_decay, (o, v) => o.weight_decay = v),
            Number<RMSProp.Options>("momentum", o => o.momentum, (o, v) => o.momentum = v),
            Flag<RMSProp.Options>("centered", o => o.centered, (o, v) => o.centered = v),
            Flag<RMSProp.Options>("maximize", o => o.maximize, (o, v) => o.maximize = v),
        ],
        SGD.Options =>
        [
            Number<SGD.Options>("momentum", o => o.momentum, (o, v) => o.momentum = v),
            Number<SGD.Options>("dampening", o => o.dampening, (o, v) => o.dampening = v),
            Number<SGD.Options>("weight_decay", o => o.weight_decay, (o, v) => o.weight_decay = v),
            Flag<SGD.Options>("nesterov", o => o.nesterov, (o, v) => o.nesterov = v),
            Flag<SGD.Options>("maximize", o => o.maximize, (o, v) => o.maximize = v),
        ],
        _ => throw new SpotlightException($"unsupported optimizer options {options.GetType().FullName}"),
    }).ToArray();

    public static JsonObject Write(OptimizerOptions options)
    {
        var json = new JsonObject();
        foreach (var field in FieldsOf(options))
        {
            json[field.Name] = field.Get(options) switch
            {
                double number => JsonValue.Create(number),
                bool flag => JsonValue.Create(flag),
                _ => null,  // unset in TorchSharp: restored as unset
            };
        }
        return json;
    }

    /// <summary>Parses every saved value now (so a bad file fails before anything changes); applies them later.</summary>
    public static Action Plan(string source, int group, OptimizerOptions options, JsonObject json)
    {
        var values = new List<(Field Field, object Value)>();
        foreach (var field in FieldsOf(options))
        {
            if (!json.TryGetPropertyValue(field.Name, out var node))
                throw new SpotlightException($"{source}: optimizer parameter group {group} has no '{field.Name}'");
            if (node is null) continue;
            object? value = node is JsonValue v
                ? field.IsFlag ? (v.TryGetValue<bool>(out var b) ? b : null) : (v.TryGetValue<double>(out var d) ? d : null)
                : null;
            if (value is null)
                throw new SpotlightException($"{source}: optimizer parameter group {group} has '{field.Name}' = {node.ToJsonString()}, expected a {(field.IsFlag ? "true/false" : "number")}");
            values.Add((field, value));
        }
        return () =>
        {
            foreach (var (field, value) in values) field.Set(options, value);
        };
    }
}
