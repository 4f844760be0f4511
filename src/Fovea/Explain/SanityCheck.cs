using Fovea.NN;

namespace Fovea.Explain;

/// <summary>Sanity checks for saliency methods (Adebayo et al. 2018).</summary>
public static class SanityCheck
{
    /// <summary>
    /// Model-randomisation test. <paramref name="trained"/> is copied (into <paramref name="build"/>()'s module) and
    /// its weighted layers (those with a weight of rank ≥ 2: Conv, Linear) are re-initialised, from the output down,
    /// with the weights of a fresh <paramref name="build"/>() module: cumulatively (<see cref="RandomisationMode.Cascading"/>)
    /// or one at a time (<see cref="RandomisationMode.Independent"/>). After each step the attribution
    /// <paramref name="explain"/>(model, x) (reduced to |Σ over channels| per pixel) is compared with the trained
    /// model's by Spearman rank correlation, per sample. The targets are the trained model's predictions throughout.
    /// </summary>
    public static RandomisationResult ModelRandomisation(Module trained, Func<Module> build, Func<Module, Tensor, Tensor, Tensor> explain,
        Tensor x, RandomisationMode mode = RandomisationMode.Cascading)
    {
        ArgumentNullException.ThrowIfNull(trained);
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(explain);
        GradientUtil.CheckImages(x, "ModelRandomisation");
        var target = GradientUtil.Targets(trained, x, null, "ModelRandomisation");
        var reference = AbsMap(explain(trained, x, target), x);
        var trainedState = trained.StateDict();
        var fresh = build().StateDict();
        var layers = trained.NamedModules()
            .Where(m => m.Module.OwnParameters().Any(p => p.Name == "weight" && p.Value.Rank >= 2))
            .Select(m => m.Name).Reverse().ToArray();
        if (layers.Length == 0) throw new ArgumentException("ModelRandomisation: the model has no weighted (Conv/Linear) layers.");
        int n = x.Shape[0], hw = x.Shape[2] * x.Shape[3];
        var means = new double[layers.Length];
        var samples = new double[layers.Length][];
        var model = build();
        model.LoadStateDict(trainedState);
        model.Train(trained.IsTraining);
        for (int s = 0; s < layers.Length; s++)
        {
            if (mode == RandomisationMode.Independent) model.LoadStateDict(trainedState);
            var randomised = mode == RandomisationMode.Independent ? layers[s..(s + 1)] : layers[..(s + 1)];
            var state = new Dictionary<string, Tensor>();
            foreach (var kv in model.StateDict()) state[kv.Key] = kv.Value;
            foreach (var layer in randomised)
                foreach (var kv in fresh)
                    if (kv.Key.StartsWith(layer + ".", StringComparison.Ordinal) && kv.Key.LastIndexOf('.') == layer.Length) state[kv.Key] = kv.Value;
            model.LoadStateDict(state);
            var map = AbsMap(explain(model, x, target), x);
            samples[s] = new double[n];
            for (int i = 0; i < n; i++) samples[s][i] = ExplainMetrics.Spearman(reference.AsSpan(i * hw, hw), map.AsSpan(i * hw, hw));
            means[s] = samples[s].Average();
        }
        return new RandomisationResult(mode, layers, means, samples);
    }

    static float[] AbsMap(Tensor attribution, Tensor x)
    {
        var m = ExplainMetrics.SpatialMap(attribution, x, "ModelRandomisation");
        for (int i = 0; i < m.Length; i++) m[i] = Math.Abs(m[i]);
        return m;
    }
}
