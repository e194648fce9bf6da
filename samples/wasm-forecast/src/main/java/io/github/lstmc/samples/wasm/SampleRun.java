package io.github.lstmc.samples.wasm;

import io.github.lstmc.runtime.LstmNetwork;
import io.github.lstmc.runtime.LstmState;
import io.github.lstmc.runtime.LstmWorkspace;
import io.github.lstmc.samples.wasm.model.SineForecaster;

/**
 * One fixed run of the compiled demo model, the same code on the JVM and in WebAssembly.
 *
 * <p>It runs {@link SineForecaster} (the demo model of {@code lstmc demo}, compiled by the lstmc Maven
 * plugin) on the demo's sample input, four noisy sine waves of 48 steps, with the whole-sequence
 * {@code forward}, then lets the model forecast {@value #HORIZON} more steps of the first wave one
 * {@code step} at a time, feeding each forecast back in. {@link #outputs()} returns every float the
 * model produced; the browser test compares their bits with this class's result on the JVM.
 *
 * <p>Only the single-threaded API is used: {@code ParallelLstm} needs threads, which a WebAssembly page
 * does not have, and is not reachable from here (TeaVM compiles only what is reachable).
 */
public final class SampleRun {
    /** Sequences in the sample input. */
    public static final int BATCH = 4;
    /** Steps per sequence. */
    public static final int STEPS = 48;
    /** Steps forecast after the first sequence, each from the previous forecast. */
    public static final int HORIZON = 12;

    /**
     * The input of {@code lstmc demo} ({@code sample-input.json} beside the demo model): {@code [BATCH][STEPS]},
     * noisy sines, one feature per step.
     */
    private static final float[] INPUT = {
            // sequence 0
            -0.04744794964790344f, 0.2348562628030777f, 0.2999788522720337f, 0.34183043241500854f, 0.551565408706665f, 0.6211303472518921f,
            0.7787296175956726f, 0.6700241565704346f, 0.8627277612686157f, 0.6887658834457397f, 0.7492854595184326f, 0.8283191919326782f,
            0.6123547554016113f, 0.9542114734649658f, 0.675349235534668f, 0.9112676382064819f, 0.6399993300437927f, 0.49691808223724365f,
            0.2613242566585541f, 0.25428497791290283f, 0.31470564007759094f, 0.012638084590435028f, 0.030274350196123123f, -0.23208042979240417f,
            -0.3304586708545685f, -0.3403915762901306f, -0.2973007559776306f, -0.4792342483997345f, -0.8021494150161743f, -0.7980643510818481f,
            -0.7407452464103699f, -0.7370730042457581f, -0.7990505695343018f, -0.9065341949462891f, -0.7128350734710693f, -1.0208991765975952f,
            -0.8821098208427429f, -0.905772864818573f, -0.681830108165741f, -0.6374390721321106f, -0.4194127321243286f, -0.4110577702522278f,
            -0.29834139347076416f, -0.22137218713760376f, -0.03527066484093666f, -0.00445692241191864f, 0.03795848786830902f, 0.11444604396820068f,
            // sequence 1
            -0.2244548797607422f, 0.10923267155885696f, -0.22618821263313293f, -0.16944389045238495f, -0.42529866099357605f, -0.4937426447868347f,
            -0.41558489203453064f, -0.499226838350296f, -0.5454321503639221f, -0.4544518291950226f, -0.4612995386123657f, -0.48829904198646545f,
            -0.519727885723114f, -0.43692508339881897f, -0.37462639808654785f, -0.328117311000824f, -0.19808518886566162f, -0.19408342242240906f,
            -0.21253147721290588f, 0.09757480770349503f, -0.006033409386873245f, 0.2542831301689148f, 0.2381487488746643f, 0.2655266523361206f,
            0.2776573896408081f, 0.30468666553497314f, 0.4405546486377716f, 0.5024622082710266f, 0.6196807026863098f, 0.39241987466812134f,
            0.5510433316230774f, 0.32651156187057495f, 0.44877177476882935f, 0.43098604679107666f, 0.27490371465682983f, 0.17250071465969086f,
            0.09155245125293732f, 0.21791645884513855f, 0.0594695545732975f, -0.03065481409430504f, -0.02474571019411087f, -0.20151221752166748f,
            -0.4213165044784546f, -0.44481444358825684f, -0.403432697057724f, -0.33022916316986084f, -0.4464438855648041f, -0.533554196357727f,
            // sequence 2
            -1.0914361476898193f, -0.9685475826263428f, -0.7706676721572876f, -0.5728567242622375f, -0.21389438211917877f, -0.09942477196455002f,
            0.3771893084049225f, 0.32065635919570923f, 0.6873911619186401f, 0.9000638127326965f, 0.8857460021972656f, 0.8238455653190613f,
            0.8474231362342834f, 0.7481030225753784f, 0.6040137410163879f, 0.20271196961402893f, 0.15649545192718506f, -0.1263573169708252f,
            -0.2929080128669739f, -0.4935745298862457f, -0.7948386669158936f, -0.8874115347862244f, -0.8066452741622925f, -0.8633501529693604f,
            -0.5981115102767944f, -0.7145564556121826f, -0.3615260124206543f, -0.25757837295532227f, 0.14307668805122375f, 0.31135666370391846f,
            0.41420212388038635f, 0.7826765775680542f, 0.8431077003479004f, 0.8880464434623718f, 0.8120644092559814f, 0.6903766989707947f,
            0.444846510887146f, 0.3410950303077698f, 0.2087421864271164f, -0.11058548092842102f, -0.42845654487609863f, -0.43874019384384155f,
            -0.6874489784240723f, -0.7987136244773865f, -0.9726188778877258f, -0.8659043908119202f, -0.9704916477203369f, -0.6267015933990479f,
            // sequence 3
            0.09728075563907623f, -0.0264693945646286f, 0.18975621461868286f, 0.24083366990089417f, 0.40109944343566895f, 0.34512144327163696f,
            0.3341017961502075f, 0.5034134387969971f, 0.45813342928886414f, 0.45928269624710083f, 0.44311004877090454f, 0.5750759243965149f,
            0.5988920331001282f, 0.7132731080055237f, 0.5366399884223938f, 0.6135882139205933f, 0.7514954805374146f, 0.5237817764282227f,
            0.3892664909362793f, 0.7048192620277405f, 0.43324363231658936f, 0.36047643423080444f, 0.44728800654411316f, 0.18398770689964294f,
            0.42244505882263184f, 0.21570900082588196f, 0.07187004387378693f, -0.057692840695381165f, 0.025352075695991516f, 0.03279809653759003f,
            -0.10891472548246384f, -0.1924358457326889f, -0.3130548298358917f, -0.3357636332511902f, -0.46028101444244385f, -0.3871176540851593f,
            -0.48443642258644104f, -0.45848366618156433f, -0.6503236293792725f, -0.7404634952545166f, -0.5248415470123291f, -0.8050599098205566f,
            -0.4320397675037384f, -0.5461362600326538f, -0.49365586042404175f, -0.48144957423210144f, -0.51590895652771f, -0.4821935296058655f,
    };

    private SampleRun() {
    }

    /** A copy of the sample input, {@code [BATCH][STEPS]} flattened (batch-major). */
    public static float[] input() {
        return INPUT.clone();
    }

    /**
     * Every output of the fixed run, in this order: the one-step forecasts {@code [BATCH][STEPS]}
     * (batch-major), the final hidden states {@code h_n [BATCH]}, the final cell states
     * {@code c_n [BATCH][hidden]}, then the {@value #HORIZON} free-running forecasts after the first
     * sequence.
     */
    public static float[] outputs() {
        LstmNetwork model = new SineForecaster();
        int hidden = model.hiddenSize(0);
        int out = model.outputSize();   // 1: the forecast of the next value

        // Whole sequences, flat buffers in the model's layout (sequence-first, as PyTorch's nn.LSTM).
        float[] x = new float[STEPS * BATCH];
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < STEPS; t++) {
                x[t * BATCH + b] = INPUT[b * STEPS + t];
            }
        }
        LstmState state = model.newState(BATCH);
        LstmWorkspace workspace = model.newWorkspace(BATCH, STEPS);
        float[] y = new float[STEPS * BATCH * out];
        model.forward(x, BATCH, STEPS, null, state, workspace, y);

        float[] result = new float[BATCH * STEPS + BATCH * out + BATCH * hidden + HORIZON];
        int n = 0;
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < STEPS; t++) {
                result[n++] = y[(t * BATCH + b) * out];
            }
        }
        System.arraycopy(state.hidden(0), 0, result, n, BATCH * out);
        n += BATCH * out;
        System.arraycopy(state.cell(0), 0, result, n, BATCH * hidden);
        n += BATCH * hidden;

        // Streaming: the first sequence again, one step at a time, then its forecasts fed back.
        LstmState one = model.newState(1);
        LstmWorkspace scratch = model.newWorkspace(1, 1);
        float[] xt = new float[1];
        float[] yt = new float[out];
        for (int t = 0; t < STEPS; t++) {
            xt[0] = INPUT[t];
            model.step(xt, one, scratch, yt);
        }
        for (int k = 0; k < HORIZON; k++) {
            result[n++] = yt[0];
            xt[0] = yt[0];
            model.step(xt, one, scratch, yt);
        }
        return result;
    }

    /** The bits of each float as 8 hex digits, comma-separated: an exact, engine-independent text form. */
    public static String bits(float[] values) {
        StringBuilder s = new StringBuilder(values.length * 9);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                s.append(',');
            }
            String hex = Integer.toHexString(Float.floatToRawIntBits(values[i]));
            for (int pad = hex.length(); pad < 8; pad++) {
                s.append('0');
            }
            s.append(hex);
        }
        return s.toString();
    }
}
