using Fovea.Data;
using Fovea.NN;

namespace Fovea.Training;

/// <summary>Runs a classifier over a data loader without gradients and gathers <see cref="EvaluationResult"/>.</summary>
public static class Evaluator
{
    /// <summary>
    /// Evaluates <paramref name="model"/> in eval mode (its previous mode is restored). Logits are [N, classes];
    /// the loss defaults to cross-entropy.
    /// </summary>
    public static EvaluationResult Evaluate(Module model, DataLoader data, Loss? loss = null, int topK = 5, int? numClasses = null)
    {
        bool wasTraining = model.IsTraining;
        model.Eval();
        loss ??= new CrossEntropyLoss();
        int classes = numClasses ?? data.Dataset.NumClasses;
        var confusion = new int[classes, classes];
        double lossSum = 0;
        long correct = 0, correctK = 0, count = 0;
        int k = Math.Min(topK, classes);
        try
        {
            using var _ = Autograd.NoGrad();
            foreach (var batch in data)
            {
                var logits = model.Call(batch.Input);
                if (logits.Rank != 2 || logits.Shape[1] != classes)
                    throw new ShapeMismatchException($"Evaluate: the model's output {logits.Shape} is not [batch, {classes}] logits.");
                lossSum += loss.Forward(logits, batch.Target).Item() * batch.Count;
                var l = logits.Contiguous().Span;
                for (int i = 0; i < batch.Count; i++)
                {
                    var row = l.Slice(i * classes, classes);
                    int truth = batch.Label(i);
                    int pred = ArgMax(row);
                    confusion[truth, pred]++;
                    if (pred == truth) correct++;
                    if (Rank(row, truth) < k) correctK++;
                }
                count += batch.Count;
            }
        }
        finally { model.Train(wasTraining); }
        var names = data.Dataset.ClassNames.Count == classes ? data.Dataset.ClassNames : Enumerable.Range(0, classes).Select(i => i.ToString()).ToArray();
        return new EvaluationResult((int)count, count == 0 ? double.NaN : lossSum / count, count == 0 ? double.NaN : (double)correct / count,
            count == 0 ? double.NaN : (double)correctK / count, k, confusion, names);
    }

    internal static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++) if (row[j] > row[best]) best = j;
        return best;
    }

    // How many classes score strictly higher than the given one (0 = top-1).
    static int Rank(ReadOnlySpan<float> row, int cls)
    {
        int r = 0;
        float v = row[cls];
        foreach (float x in row) if (x > v) r++;
        return r;
    }
}
