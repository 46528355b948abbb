using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spotlight.Checkpoints;

/// <summary>
/// Turns a TorchSharp optimizer's state into plain tensors and JSON, and back. TorchSharp's own
/// <c>save_state_dict</c> writes a private binary stream; writing the per-parameter tensors ourselves keeps the
/// checkpoint a readable safetensors file (<c>optimizer.3.exp_avg</c> is what PyTorch would call
/// <c>state[3]["exp_avg"]</c>). Parameters are numbered in optimizer order across groups, as in PyTorch.
/// Supported: Adam, AdamW, RMSProp, SGD; others are refused with a clear message rather than resumed wrongly.
/// </summary>
internal static class OptimizerStateCodec
{
    public const string Prefix = "optimizer.";

    /// <summary>The state tensors (live references, not copies) and a JSON description of the param groups.</summary>
    public static (Dictionary<string, Tensor> Tensors, string Json) Capture(optim.Optimizer optimizer)
    {
        var states = StateDictOf(optimizer);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (var i = 0; i < states.State.Count; i++)
            foreach (var field in FieldsOf(states.State[i]))
                if (Read(states.State[i], field) is { } tensor) tensors[$"{Prefix}{i}.{field}"] = tensor;

        var groups = new JsonArray();
        var counts = states.StateIndexRef.Select(r => r.Count).ToList();
        for (var g = 0; g < states.Options.Count; g++)
        {
            var group = OptimizerOptionsJson.Write(states.Options[g]);
            group["params"] = counts[g];
            groups.Add(group);
        }
        var json = new JsonObject { ["type"] = optimizer.GetType().Name, ["groups"] = groups };
        return (tensors, json.ToJsonString());
    }

    /// <summary>
    /// Checks that the saved state fits this optimizer exactly and returns the action that installs it, so the
    /// caller can validate everything in a checkpoint before changing anything.
    /// </summary>
    public static Action Plan(string source, optim.Optimizer optimizer, string json,
        IReadOnlyDictionary<string, Tensor> tensors)
    {
        var states = StateDictOf(optimizer);
        var parameters = optimizer.parameters().ToList();
        JsonObject saved;
        try
        {
            saved = JsonNode.Parse(json) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            throw Fail(source, $"'optimizer' entry is not valid ({SafeTensorsHeader.OneLine(e.Message)})");
        }

        var type = saved["type"]?.GetValue<string>();
        if (type != optimizer.GetType().Name)
            throw Fail(source, $"holds {type} optimizer state but the optimizer is {optimizer.GetType().Name}");
        var groups = saved["groups"] as JsonArray;
        var counts = states.StateIndexRef.Select(r => r.Count).ToList();
        if (groups is null || groups.Count != counts.Count)
            throw Fail(source, $"holds {groups?.Count ?? 0} parameter groups but the optimizer has {counts.Count}");
        for (var g = 0; g < counts.Count; g++)
        {
            var savedCount = (groups[g] as JsonObject)?["params"]?.GetValue<int>();
            if (savedCount != counts[g])
                throw Fail(source, $"parameter group {g} holds {savedCount} parameters but the optimizer's has {counts[g]}");
        }

        var actions = new List<Action>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var g = 0; g < counts.Count; g++)
        {
            var (options, group) = (states.Options[g], (JsonObject)groups[g]!);
            actions.Add(OptimizerOptionsJson.Plan(source, g, options, group));
        }
        for (var i = 0; i < states.State.Count; i++)
        {
            var (state, parameter) = (states.State[i], parameters[i]);
            foreach (var field in FieldsOf(state))
            {
                var name = $"{Prefix}{i}.{field}";
                tensors.TryGetValue(name, out var tensor);
                if (tensor is null && !IsOptional(state, field))
                    throw Fail(source, $"optimizer state '{name}' is missing");
                if (tensor is not null) Check(source, name, field, tensor, parameter);
                if (tensor is not null) used.Add(name);
                actions.Add(() => Assign(state, field, tensor is null ? null : Own(tensor, field, parameter)));
            }
        }
        var extra = tensors.Keys.FirstOrDefault(k => k.StartsWith(Prefix, StringComparison.Ordinal) && !used.Contains(k));
        if (extra is not null) throw Fail(source, $"unexpected optimizer state '{extra}' (a different model or optimizer?)");
        return () => actions.ForEach(a => a());
    }

    private static optim.Optimizer.StateDictionary StateDictOf(optim.Optimizer optimizer) => optimizer switch
    {
        Adam or AdamW or RMSProp or SGD => ((OptimizerHelper)optimizer).state_dict(),
        _ => throw new SpotlightException(
            $"training checkpoints support Adam, AdamW, RMSProp and SGD, not {optimizer.GetType().Name}"),
    };

    /// <summary>The state fields of each supported optimizer, as PyTorch names them.</summary>
    private static string[] FieldsOf(OptimizerState state) => state switch
    {
        Adam.State or AdamW.State => ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
        RMSProp.State => ["step", "square_avg", "momentum_buffer", "grad_avg"],
        SGD.State => ["momentum_buffer"],
        _ => throw new SpotlightException($"unsupported optimizer state {state.GetType().FullName}"),
    };

    /// <summary>Fields that exist only with some options (amsgrad) or after the first step (SGD momentum).</summary>
    private static bool IsOptional(OptimizerState state, string field) =>
        field == "max_exp_avg_sq" || state is SGD.State;

    /// <summary>One field as a tensor: a live reference, except the step counter, which becomes a new int64 scalar
    /// (as in PyTorch) that the caller's dispose scope collects.</summary>
    private static Tensor? Read(OptimizerState state, string field) => (state, field) switch
    {
        (Adam.State s, "step") => tensor(s.step),
        (Adam.State s, "exp_avg") => s.exp_avg,
        (Adam.State s, "exp_avg_sq") => s.exp_avg_sq,
        (Adam.State s, "max_exp_avg_sq") => s.max_exp_avg_sq,
        (AdamW.State s, "step") => tensor(s.step),
        (AdamW.State s, "exp_avg") => s.exp_avg,
        (AdamW.State s, "exp_avg_sq") => s.exp_avg_sq,
        (AdamW.State s, "max_exp_avg_sq") => s.max_exp_avg_sq,
        (RMSProp.State s, "step") => tensor(s.step),
        (RMSProp.State s, "square_avg") => s.square_avg,
        (RMSProp.State s, "momentum_buffer") => s.momentum_buffer,
        (RMSProp.State s, "grad_avg") => s.grad_avg,
        (SGD.State s, "momentum_buffer") => s.momentum_buffer,
        _ => throw new InvalidOperationException($"no field '{field}' on {state.GetType().FullName}"),
    };

    private static void Check(string source, string name, string field, Tensor tensor, Parameter parameter)
    {
        if (field == "step")
        {
            if (tensor.dtype != ScalarType.Int64 || tensor.shape.Length != 0)
                throw Fail(source, $"optimizer state '{name}' must be an int64 scalar");
            return;
        }
        if (!tensor.shape.SequenceEqual(parameter.shape))
            throw Fail(source, $"optimizer state '{name}' has shape {StateDictLoader.Shape(tensor.shape)} but its parameter has {StateDictLoader.Shape(parameter.shape)}");
        if (tensor.dtype != parameter.dtype)
            throw Fail(source, $"optimizer state '{name}' is {tensor.dtype} but its parameter is {parameter.dtype}");
    }

    /// <summary>A private copy on the parameter's device, outside any dispose scope: the optimizer owns it now.</summary>
    private static Tensor Own(Tensor saved, string field, Parameter parameter) =>
        field == "step" ? saved : saved.to(parameter.device, copy: true).DetachFromDisposeScope();

    private static void Assign(OptimizerState state, string field, Tensor? value)
    {
        switch (state, field)
        {
            case (Adam.State s, "step"): s.step = value!.item<long>(); break;
            case (Adam.State s, "exp_avg"): Replace(ref s.exp_avg, value); break;
            case (Adam.State s, "exp_avg_sq"): Replace(ref s.exp_avg_sq, value); break;
            case (Adam.State s, "max_exp_avg_sq"): Replace(ref s.max_exp_avg_sq, value); break;
            case (AdamW.State s, "step"): s.step = value!.item<long>(); break;
            case (AdamW.State s, "exp_avg"): Replace(ref s.exp_avg, value); break;
            case (AdamW.State s, "exp_avg_sq"): Replace(ref s.exp_avg_sq, value); break;
            case (AdamW.State s, "max_exp_avg_sq"): Replace(ref s.max_exp_avg_sq, value); break;
            case (RMSProp.State s, "step"): s.step = value!.item<long>(); break;
            case (RMSProp.State s, "square_avg"): Replace(ref s.square_avg, value); break;
            case (RMSProp.State s, "momentum_buffer"): Replace(ref s.momentum_buffer, value); break;
            case (RMSProp.State s, "grad_avg"): Replace(ref s.grad_avg, value); break;
            case (SGD.State s, "momentum_buffer"): Replace(ref s.momentum_buffer, value); break;
            default: throw new InvalidOperationException($"no field '{field}' on {state.GetType().FullName}");
        }
    }

    private static void Replace(ref Tensor slot, Tensor? value)
    {
        if (ReferenceEquals(slot, value)) return;
        slot?.Dispose();
        slot = value!;
    }

    private static SpotlightException Fail(string source, string problem) => new($"{source}: {problem}");
}
