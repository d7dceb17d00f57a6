/*
 * Implied volatility by Jaeckel's "Let's Be Rational" (Wilmott 2015).
 *
 * DESIGN
 *
 * Everything happens in Black's normalised form.  With x = ln(F/K) and the
 * total vol s = sigma sqrt(T), an out-of-the-money call (x <= 0) is worth
 *
 *     b(x, s) = e^{x/2} Phi(h + t) - e^{-x/2} Phi(h - t),   h = x/s, t = s/2,
 *
 * times D sqrt(F K).  Every European option reduces to this: subtract the
 * intrinsic value (in price units, as D sqrt(F K) 2 sinh(|x|/2), exact to a
 * few ulp even at the money) and use the put-call symmetry put(x) = call(-x),
 * so x_otm = -|x| always.  b rises from 0 to b_max = e^{x/2}, is convex
 * below the inflection point s_c = sqrt(2|x|) and concave above it, and its
 * derivatives in s are closed forms of the vega b' = e^{-(h^2+t^2)/2} / sqrt(2 pi):
 *
 *     b''/b'  = x^2/s^3 - s/4
 *     b'''/b' = (b''/b')^2 - 3 x^2/s^4 - 1/4
 *
 * The price.  Writing Phi(z) = phi(z) Y(z) (Y is the Mills ratio) gives
 * b = e^q m with q = -(h^2+t^2)/2 and m = (Y(h+t) - Y(h-t))/sqrt(2 pi).
 * e^q is computed once from a double-double q, so the large exponent of the
 * far tail costs one ulp, not |q| ulp; m carries the cancellation, which is
 * large only when t is small next to max(1, |h|).  Three regions keep m
 * exact to a few 1e-16 (2e-14 at worst, near |h| = 10 with t small):
 *   - h + t < -10: Y's asymptotic series, differenced term by term
 *     (w1^m - w2^m = (w1 - w2) sum w1^i w2^{m-1-i}, all terms positive);
 *   - t < 0.1: the Taylor series of Y(h+t) - Y(h-t) in t to t^11, as
 *     polynomials in t^2 and (x/2)^2 with exact coefficients plus Y(h) times
 *     another (see mills_diff_taylor);
 *   - otherwise the scaled complementary error function,
 *     m = (erfcx(u1) - erfcx(u2))/2, u = -(h -+ t)/sqrt2, which has no
 *     sensitivity to the rounding of its argument (erfc has 2u^2 ulp), and
 *     loses at most ~50 ulp to the difference.  Above the inflection point
 *     b = b_max - (b_max - b), the complement a sum of two positive terms.
 * erfcx itself is a table of Chebyshev polynomials on [0, 12) and an
 * asymptotic series beyond: faster than libm's erfc and exp together.
 * ln b = q + ln m is finite even where b is below DBL_MIN.
 *
 * The guess (paper, section 3): the tangent at the inflection point meets 0
 * at s_l = s_c - b_c/b'_c and b_max at s_u = s_c + (b_max - b_c)/b'_c, which
 * splits (0, b_max) into four branches by b_l = b(s_l), b_c = b(s_c),
 * b_u = b(s_u):
 *   - beta < b_l: the lower map f_l(s) = (2 pi |x| / 3^{3/2}) Phi(-|x|/(sqrt3 s))^3
 *     has the same leading asymptotics as b for s -> 0 and a closed-form
 *     inverse; f is interpolated in beta on [0, b_l] by a rational cubic
 *     (Delbourgo-Gregory) with value and slope at both ends (slope 1 at 0)
 *     and the map's curvature at b_l, then s = f_l^{-1}(f);
 *   - b_l <= beta < b_c and b_c <= beta <= b_u: s itself interpolated by
 *     rational cubics through (b_l, s_l), (b_c, s_c), (b_u, s_u) with slopes
 *     1/b' and s'' = 0 at b_c, as it is there;
 *   - beta > b_u: the upper map f_u(s) = Phi(-s/2) (b_max - b ~ 2 Phi(-s/2)
 *     for large s), interpolated on [b_u, b_max] with the curvature at b_u
 *     and slope -1/2 at b_max.
 * The rational cubic's parameter is raised where needed to keep the
 * interpolant monotone and convex or concave like its data.
 *
 * The iteration: Householder's method of order four (Householder(3)),
 *     s += nu (1 + nu g2/2) / (1 + nu (g2 + nu g3/6)),  nu = -g/g', g2 = g''/g', g3 = g'''/g',
 * on a branch-specific objective g that is nearly linear in s where the
 * guess lands:
 *   - lowest branch: g = 1/ln b(s) - 1/ln beta (ln b ~ -x^2/(2 s^2) there),
 *   - upper branch:  g = ln(b_max - beta) - ln(b_max - b(s)),
 *   - middle branches: g = b(s) - beta.
 * The guesses are good to 1e-1..1e-4, so one step leaves 1e-4..1e-16 and a
 * second reaches machine precision.  We stop after a step that moved s by
 * less than TOL = 1e-5 relative (the error left is then of order TOL^4):
 * almost every call costs four evaluations of b, two to place the branch
 * and two steps.  A bracket from the branch limits, tightened by every
 * evaluation, catches a step that would leave it (then bisect); the
 * iteration is capped at MAX_ITER.
 *
 * Phi^{-1} for the two maps is Acklam's rational approximation (relative
 * error ~1e-9, published coefficients); it only shapes the initial guess.
 */
#include "options/iv.h"

#include <float.h>
#include <math.h>

#define SQRT_2PI 2.50662827463100050242
#define INV_SQRT_2PI 0.39894228040143267794
#define SQRT_PI 1.77245385090551602730
#define SQRT_HALF_PI 1.25331413731550025121
#define INV_SQRT2 0.70710678118654752440
#define SQRT3 1.73205080756887729353
#define TWO_PI 6.28318530717958647693

#define X_MAX 700.0      /* |ln(F/K)| accepted: keeps e^{+-x/2} far from overflow */
#define ASYM_H (-10.0)   /* h + t below: asymptotic series for the Mills ratio difference */
#define TAYLOR_T 0.1     /* t below (and h + t above ASYM_H): Taylor series in t */
#define TOL 1e-5          /* stop after a relative step this small: the error left is ~TOL^4 */
#define MAX_ITER 12

/* ---- special functions ------------------------------------------------- */

/* a*b - p exactly, where p = a*b rounded (Dekker's product when there is no hardware fma). */
static double two_prod_err(double a, double b, double p)
{
#ifdef FP_FAST_FMA
	return fma(a, b, -p);
#else
	const double split = 134217729.0;   /* 2^27 + 1 */
	double ca = split * a, cb = split * b;
	double ah = ca - (ca - a), al = a - ah, bh = cb - (cb - b), bl = b - bh;
	return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
#endif
}

/*
 * erfcx(u) = e^{u^2} erfc(u) on [0, 12): one polynomial of degree 11 per
 * interval of width 1/4, in v = u - (centre of the interval), lowest
 * degree first.  Chebyshev interpolants of erfcx computed at 50 digits
 * (mpmath chebyfit); with the coefficients rounded to double the worst
 * relative error over all intervals is below 1e-16.  Faster than libm's
 * erfc and exp together, and free of the e^{u^2} rounding.
 */
#define ERFCX_N 48
#define ERFCX_DEG 11
static const double erfcx_tab[ERFCX_N][ERFCX_DEG + 1] = {
	{ 0.87322184508215084, -0.91007370582497482, 0.7594626318540536, -0.5434272512288234, 0.34576711270679122, -0.20008254484835084, 0.10691893656837867, -0.053347910005419837, 0.025061990415714105, -0.011158674224976295, 0.0047687944717662682, -0.0019345413306061795 },
	{ 0.68585723310129287, -0.6139862422695429, 0.45561239225022176, -0.29542106345047775, 0.17241474672254695, -0.092306213368968257, 0.045933307099016496, -0.021451778769417795, 0.0094720337293459564, -0.0039776426126810586, 0.0016068246317046207, -0.0006182220606469397 },
	{ 0.55681388087336248, -0.43236181600380946, 0.28658774587098401, -0.16882964988963145, 0.090534607343182194, -0.044898208118994337, 0.020824409581205183, -0.0091094151496145005, 0.003782695592344603, -0.0014989110049978508, 0.0005726279630028807, -0.00020902552235554318 },
	{ 0.46431158320266902, -0.31583389649084181, 0.18795692377318324, -0.10091439212620508, 0.049828415330766374, -0.022925811484302092, 0.0099227769274053378, -0.0040695377165719969, 0.0015904622736063875, -0.00059507448337334809, 0.0002151254639998011, -7.4536992592237793e-05 },
	{ 0.39569807955299591, -0.23805848810127181, 0.12788228043906541, -0.062793948404882435, 0.028619544241568502, -0.012238784453081762, 0.0049503039701100518, -0.0019056264622925678, 0.00070161120607036128, -0.00024806563878487813, 8.4925298082267112e-05, -2.7946426854363904e-05 },
	{ 0.34329588986212539, -0.18431546997466777, 0.089862118646957298, -0.040503371223401134, 0.017084991607308836, -0.0068046031052717022, 0.002576220801453373, -0.00093208558767905779, 0.00032364803098247239, -0.00010823602609943266, 3.512107741543196e-05, -1.0984229225264013e-05 },
	{ 0.30226120936348594, -0.14603023666418335, 0.064962074784188029, -0.026977910093251921, 0.010561485441294908, -0.0039261985004293435, 0.0013938043014166737, -0.00047464758096665881, 0.00015562441948614359, -4.92788416256037e-05, 1.5170483048567429e-05, -4.5129266478763354e-06 },
	{ 0.26942998516467043, -0.11801672272799837, 0.048148630049673506, -0.018492027589907062, 0.0067380391592858436, -0.002343281666485157, 0.0007814620151027614, -0.00025086868519858582, 7.7770368059200152e-05, -2.3343975353511308e-05, 6.8250888978066413e-06, -1.9328737776272523e-06 },
	{ 0.24267036461265454, -0.097030117491730752, 0.036481364942726711, -0.013004811325624343, 0.004423070437881948, -0.0014423146580439463, 0.00045271726469296746, -0.00013722585004258801, 4.0277896521118208e-05, -1.1474379300230261e-05, 3.1895965703813367e-06, -8.6074528562478878e-07 },
	{ 0.22050569220490668, -0.080977129122205921, 0.028185010539667616, -0.0093584860603302261, 0.0029793030731892186, -0.00091305650459940835, 0.00027026462558966805, -7.7479434567060798e-05, 2.1562659692597378e-05, -5.8372957345239246e-06, 1.5445061172038061e-06, -3.9755905268510621e-07 },
	{ 0.20188755454601701, -0.068469505728923269, 0.022155102007593418, -0.0068749086393270391, 0.0020542334146788519, -0.00059301837031658453, 0.00016585339783779465, -4.5043772012855901e-05, 1.1903336404548716e-05, -3.0660833662060151e-06, 7.7311671283993599e-07, -1.9000972916777728e-07 },
	{ 0.1860549346844711, -0.058563292659803728, 0.017685468287535391, -0.0051450475554263228, 0.0014467282828418285, -0.00039428149690169992, 0.00010438965989396246, -2.6903207209950058e-05, 6.7607169982046562e-06, -1.6591281372432145e-06, 3.9915700079401674e-07, -9.376698452878646e-08 },
	{ 0.1724443521021736, -0.050601966456927522, 0.014313206924275094, -0.0039154632123785732, 0.0010386921927957693, -0.00026782004395634041, 6.7251518547626506e-05, -1.647401393361567e-05, 3.9425475830653201e-06, -9.2300382353887251e-07, 2.1212527312790106e-07, -4.7680089737578251e-08 },
	{ 0.1606310681265444, -0.044119457241337846, 0.011727899937029176, -0.0030251966359095845, 0.00075893064541703503, -0.00018552228305063564, 4.4264313408932502e-05, -1.0322921554276099e-05, 2.3561089435278152e-06, -5.2689669618837056e-07, 1.1581384103819385e-07, -2.4934974438139703e-08 },
	{ 0.15028972247426936, -0.038778679157059709, 0.009717010529927907, -0.0023696773240473664, 0.00056346511512803501, -0.00013084651268318616, 2.9715502235313219e-05, -6.6079477596170237e-06, 1.4404206611585437e-06, -3.0809171731093551e-07, 6.4845102484318122e-08, -1.3387321945469595e-08 },
	{ 0.1411674197630518, -0.034331663931861184, 0.0081322220270897, -0.0018795357179257339, 0.00042451056006370484, -9.382291907148985e-05, 2.0315582896824868e-05, -4.3142958256957909e-06, 8.9942045838793739e-07, -1.8423020778443085e-07, 3.7173077861547121e-08, -7.3667067104296745e-09 },
	{ 0.13306497124120825, -0.030593154355544459, 0.0068682095245873546, -0.0015078600444144153, 0.00032414342068892661, -6.8307373629002312e-05, 1.4125168161629057e-05, -2.8688728534540849e-06, 5.7276626862967368e-07, -1.1249084771532115e-07, 2.17848084688692e-08, -4.1484022428474654e-09 },
	{ 0.12582358819498807, -0.027422770389366968, 0.005848967741507582, -0.0012223576801808648, 0.00025057644535813857, -5.0434292695583061e-05, 9.9754716078675791e-06, -1.940458407302278e-06, 3.7149116349155687e-07, -7.0040605956028943e-08, 1.3032926437385782e-08, -2.3872450849481919e-09 },
	{ 0.11931528862713332, -0.02471274729452929, 0.0050188323899353557, -0.0010004316607188461, 0.00019591797955534042, -3.7724402110146626e-05, 7.1475399336006612e-06, -1.3334371216462447e-06, 2.4509811031279139e-07, -4.4412727877041648e-08, 7.9492942244663912e-09, -1.4019985736622716e-09 },
	{ 0.11343587721474049, -0.022379364251792787, 0.0043364764872506484, -0.00082602758429725187, 0.00015479600690076936, -2.8558820262393222e-05, 5.1905860414752189e-06, -9.2991809009585963e-07, 1.6430872190298364e-07, -2.8647203967733693e-08, 4.9373289822363084e-09, -8.3926703387833799e-10 },
	{ 0.10809973724654746, -0.020356860318401043, 0.0037708281147421233, -0.0006875774868984406, 0.00012349674719380567, -2.1862663012070083e-05, 3.8168664195359009e-06, -6.5749217574197391e-07, 1.1180468636604183e-07, -1.8776168569314388e-08, 3.1192528560420105e-09, -5.1151845151135052e-10 },
	{ 0.10323591747815693, -0.018593054205325601, 0.0032982511245318153, -0.00057663627397806284, 9.9415575949862478e-05, -1.6911021299018031e-05, 2.8396121562118497e-06, -4.708874175262306e-07, 7.7148030814109346e-08, -1.2492556295096224e-08, 2.0024371147606016e-09, -3.1708344515854534e-10 },
	{ 0.098785157173407537, -0.017046148894677749, 0.0029005696408452076, -0.00048696310994896994, 8.0701073691125181e-05, -1.3207828174554552e-05, 2.1356800699539609e-06, -3.4132222351595176e-07, 5.3935615733629172e-08, -8.4298284302934484e-09, 1.3049847488061001e-09, -1.997160101336738e-10 },
	{ 0.09469759959536303, -0.015682371849997035, 0.0025636649766304447, -0.00041389340819544796, 6.6020601741093526e-05, -1.0408949186608248e-05, 1.6226750900483764e-06, -2.5020943810629145e-07, 3.8173644862175091e-08, -5.7642608455601874e-09, 8.6260036614463513e-10, -1.2769854678906083e-10 },
	{ 0.090931016718836855, -0.014474212289761141, 0.0022764664440498702, -0.00035390354663712383, 5.440361044874292e-05, -8.2725730554286389e-06, 1.2447001614927065e-06, -1.8536701908728797e-07, 2.7331782701810375e-08, -3.9910632285214351e-09, 5.7785557419104915e-10, -8.2818600453342989e-11 },
	{ 0.087449417784622493, -0.013399090341575739, 0.0020302168570771567, -0.0003043052518059114, 4.5135438407235496e-05, -6.6267327839135568e-06, 9.6333896997889942e-07, -1.3869910018313756e-07, 1.9783045401037116e-08, -2.7960316851755015e-09, 3.920200798017001e-10, -5.4437719382643214e-11 },
	{ 0.084221949049140182, -0.012438342194405214, 0.001817932011205636, -0.0002630284134452501, 3.7684386065426915e-05, -5.3477423047183854e-06, 7.5186443225485633e-07, -1.047544117882969e-07, 1.4466609550322278e-08, -1.9806877142271846e-09, 2.6913762369472852e-10, -3.6239932154001024e-11 },
	{ 0.081222016591888005, -0.011576438957052513, 0.0016339987621519715, -0.00022846497817180668, 3.1651018610400187e-05, -4.3456900901219304e-06, 5.9146641362511074e-07, -7.9816713315466883e-08, 1.068162478613555e-08, -1.4178941029446174e-09, 1.868690015567699e-10, -2.4417303995575142e-11 },
	{ 0.078426581542616017, -0.010800380113234368, 0.0014738732358211464, -0.00019935553867246594, 2.6732511389913205e-05, -3.5545580077335971e-06, 4.6876186161776961e-07, -6.1322783946520573e-08, 7.9592547722944114e-09, -1.0251289811090238e-09, 1.3114042817163074e-10, -1.664020855341032e-11 },
	{ 0.07581558972469768, -0.010099218656221841, 0.0013338521350615962, -0.00017470610676171324, 2.2697298846980426e-05, -2.9254111060929367e-06, 3.7413064652437871e-07, -4.7485025156785742e-08, 5.982145341429342e-09, -7.4815424434935714e-10, 9.2967370229592933e-11, -1.1463497156057115e-11 },
	{ 0.073371506929172992, -0.0094636864256243489, 0.0012108979337873366, -0.00015372645366393863, 1.9366862299902178e-05, -2.4216514508737419e-06, 3.005899956696445e-07, -3.7043638269632353e-08, 4.5330626826842644e-09, -5.5089531672896014e-10, 6.6541736781604852e-11, -7.9787826777137958e-12 },
	{ 0.071078937825894375, -0.0088858963376761066, 0.0011025041666950371, -0.00013578401663512612, 1.6602517846709474e-05, -2.0156754369155561e-06, 2.430245936708313e-07, -2.9101931941055678e-08, 3.4617193729233826e-09, -4.0908608490358214e-10, 4.8063774080499318e-11, -5.6078580067396398e-12 },
	{ 0.068924311569393409, -0.0083591040928697614, 0.0010065908148265876, -0.00012036914826915806, 1.4295742569839219e-05, -1.6864959556857228e-06, 1.9765430996723967e-07, -2.3015624922127978e-08, 2.6630889985195554e-09, -3.0622746984780951e-10, 3.5019222738712944e-11, -3.9782547123563871e-12 },
	{ 0.066895620946826814, -0.0078775162361634978, 0.00092142246895751071, -0.00010706870576289721, 1.2361029096623298e-05, -1.4180348314708112e-06, 1.6166246102050978e-07, -1.8317634412103642e-08, 2.0630679465700958e-09, -2.3098623778032589e-10, 2.5726330782932882e-11, -2.8472865860913196e-12 },
	{ 0.064982204782419478, -0.0074361345987765297, 0.00084554386797191161, -9.5545825012528299e-05, 1.073056361942748e-05, -1.1978855179864947e-06, 1.3293367559946036e-07, -1.466644741554197e-08, 1.6088914783784052e-09, -1.7550150221672868e-10, 1.9048542557693415e-11, -2.0551003463607121e-12 },
	{ 0.063174565498995069, -0.0070306294883500106, 0.00077772878988873059, -8.5524318725017803e-05, 9.3502306020988027e-06, -1.0164088525563529e-06, 1.0986734522143542e-07, -1.1810332493076915e-08, 1.2626609573492852e-09, -1.3427006475165807e-10, 1.4210165002963254e-11, -1.4953051567012735e-12 },
	{ 0.061464215416668064, -0.0066572357413204331, 0.00071693927711911052, -7.6776558405699472e-05, 8.1765908335514488e-06, -8.6606681981699089e-07, 9.124370090788352e-08, -9.562299725612767e-09, 9.9692888559644632e-10, -1.0340505776174653e-10, 1.0676798755541831e-11, -1.096386933174486e-12 },
	{ 0.059843546668179856, -0.0063126670671402076, 0.00066229291374041177, -6.9114000549231317e-05, 7.1745792956841136e-06, -7.4092786087709152e-07, 7.6126866654332973e-08, -7.7824245708472149e-09, 7.9165900906708706e-10, -8.0137934845466697e-11, 8.0769624152595829e-12, -8.0981746625733881e-13 },
	{ 0.058305720622505455, -0.0059940451122826215, 0.00061303641678522305, -6.2379733816566099e-05, 6.3157394003871764e-06, -6.3629683513580395e-07, 6.3794120735413428e-08, -6.3652637318162044e-09, 6.3211428077335363e-10, -6.2480731652120647e-11, 6.1502010154458038e-12, -6.0236645926166976e-13 },
	{ 0.056844573501812039, -0.0056988404347248153, 0.0005685242089044861, -5.6442581195343669e-05, 5.576859800233653e-06, -5.4843626721453573e-07, 5.3683887163657863e-08, -5.2308232789553975e-09, 5.0737678556618994e-10, -4.8994923674474569e-11, 4.7123982839613353e-12, -4.5108068013141566e-13 },
	{ 0.055454535502677205, -0.0054248231662992084, 0.00052820094389771784, -5.1192406223209937e-05, 4.9389154438586412e-06, -4.7435494165647487e-07, 4.5357219862489281e-08, -4.3180258717090145e-09, 4.0930195174660802e-10, -3.8631852220802329e-11, 3.6323751122567737e-12, -3.3997319007289575e-13 },
	{ 0.054130561228966069, -0.0051700215944667088, 0.00049158718637396198, -4.6536357224568559e-05, 4.3862400845316146e-06, -4.1164653902121992e-07, 3.8469080728976206e-08, -3.5799504170771809e-09, 3.3177376857590541e-10, -3.0621635374468916e-11, 2.8159624990088545e-12, -2.5781993292125746e-13 },
	{ 0.052868069639846194, -0.0049326872487809271, 0.00045826762154884114, -4.2395846549660344e-05, 3.9058759793499774e-06, -3.5836570762673296e-07, 3.2746778605430362e-08, -2.9803385558048777e-09, 2.7017034803453854e-10, -2.4395210766972306e-11, 2.1950697075954653e-12, -1.9668024043825379e-13 },
	{ 0.051662892034073905, -0.0047112653544051312, 0.00042788130491810147, -3.8704108947185116e-05, 3.4870600587316825e-06, -3.1293232339122656e-07, 2.7973680617452429e-08, -2.4910133364044966e-09, 2.2097763514561838e-10, -1.9529207056737075e-11, 1.7201199402272822e-12, -1.5089492009984152e-13 },
	{ 0.050511226847738858, -0.0045043697333229851, 0.00040011356452064975, -3.5404218687170933e-05, 3.1208158129365635e-06, -2.7405710730066408e-07, 2.3976831405625043e-08, -2.0899594039558626e-09, 1.8150825094171055e-10, -1.5706670604072773e-11, 1.3547752865774165e-12, -1.1640218728683841e-13 },
	{ 0.049409600250055412, -0.0043107614067520138, 0.00037468924825125011, -3.2447471929362433e-05, 2.7996275273762218e-06, -2.4068352218316439e-07, 2.0617487514292841e-08, -1.7598862024780671e-09, 1.4969548403546096e-10, -1.2688888497960599e-11, 1.0722305056907282e-12, -9.0266921449798702e-14 },
	{ 0.048354831690565127, -0.0041293302898733619, 0.00035136707078729172, -2.979206131406382e-05, 2.5171790056499133e-06, -2.1194214935343097e-07, 1.7783839805464677e-08, -1.4871461758183629e-09, 1.2394137312576997e-10, -1.029503467623554e-11, 8.5259026692749317e-13, -7.0354261544438116e-14 },
	{ 0.047344003689071538, -0.0039590794800635418, 0.00032993486331698023, -2.740198544960115e-05, 2.268143051483272e-06, -1.8711468529491862e-07, 1.538538786873406e-08, -1.260915529732102e-09, 1.0300398462903315e-10, -8.3873705442190241e-12, 6.8100022897909615e-13, -5.5101629137867797e-14 },
};

/* erfcx(u) = e^{u^2} erfc(u) for u >= 0 (the callers' range), to about 2e-16 relative. */
static double erfcx_pos(double u)
{
	if (!(u >= 0))   /* not reached; keeps the table index in range whatever comes in */
		return isnan(u) ? u : 2.0 * exp(u * u) - erfcx_pos(-u);
	if (u < 12.0) {
		int i = (int)(u * 4.0);
		const double *c = erfcx_tab[i];
		double v = u - 0.25 * i - 0.125, v2 = v * v, v4 = v2 * v2;
		/* Estrin's scheme: three independent chains instead of one long Horner chain */
		double p0 = (c[0] + c[1] * v) + (c[2] + c[3] * v) * v2;
		double p1 = (c[4] + c[5] * v) + (c[6] + c[7] * v) * v2;
		double p2 = (c[8] + c[9] * v) + (c[10] + c[11] * v) * v2;
		return p0 + (p1 + p2 * v4) * v4;
	}
	/* asymptotic series 1/(u sqrt(pi)) sum (-1)^k (2k-1)!!/(2u^2)^k; at u >= 12 the 13th term is below 1e-19 */
	double w = 0.5 / (u * u), term = 1.0, sum = 1.0;
	for (int k = 1; k <= 13; k++) {
		term *= -(2.0 * k - 1.0) * w;
		sum += term;
	}
	return sum / (u * SQRT_PI);
}

/* Phi(-z) for z >= 0, and phi(z) in *density. */
static double norm_cdf_neg(double z, double *density)
{
	double g = exp(-0.5 * z * z);
	*density = INV_SQRT_2PI * g;
	return 0.5 * g * erfcx_pos(z * INV_SQRT2);
}

/* Phi^{-1}(p) for 0 < p <= 0.5 given lp = ln p (Acklam's approximation, ~1e-9 relative). */
static double norm_inv_low_log(double lp)
{
	static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
				    1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
				    6.680131188771972e+01, -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
				    -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
				    3.754408661907416e+00 };
	if (lp < -3.719339664619971) {   /* p < 0.02425 */
		double q = sqrt(-2.0 * lp);
		return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		       ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
	}
	double q = exp(lp) - 0.5, r = q * q;
	return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
	       (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

/* ---- the normalised price of an out-of-the-money call ------------------ */

/* Y(h+t) - Y(h-t) for h + t < ASYM_H, from Y(z) ~ sum_k (-1)^k (2k-1)!! w^{2k+1}, w = -1/z. */
static double mills_diff_asym(double h, double t)
{
	double a = h + t, c = h - t;
	double w1 = -1.0 / a, w2 = -1.0 / c;
	/* H_m = (w1^m - w2^m) / (w1 - w2) = sum_i w1^i w2^{m-1-i}; H_{m+1} = w1 H_m + w2^m */
	double H = 1.0, pw = w2, coef = 1.0, sum = 1.0, last = INFINITY;
	for (int k = 1; k < 64; k++) {
		H = w1 * H + pw;
		pw *= w2;
		H = w1 * H + pw;
		pw *= w2;
		coef *= -(2.0 * k - 1.0);
		double term = coef * H;
		if (fabs(term) > last)   /* the series started to diverge: stop at its smallest term */
			break;
		sum += term;
		last = fabs(term);
		if (last < 1e-17 * sum)
			break;
	}
	return 2.0 * t / (a * c) * sum;
}

/*
 * (Y(h+t) - Y(h-t)) / 2 for t < TAYLOR_T, h <= 0: the odd part of Y's
 * Taylor series in t up to t^11 (at h = 0, the slowest case, the first term
 * left out is t^12/13!! < 1e-17 relative).  Y' = 1 + hY gives
 * Y^(n) = P_n(h) + Q_n(h) Y(h) with P_{n+1} = h P_n + n P_{n-1} (P_0 = 0,
 * P_1 = 1) and the same for Q (Q_0 = 1, Q_1 = h), so the sum is
 * t (A + h Y(h) B) with A, B polynomials in tau = t^2 and xi = (h t)^2 =
 * x^2/4; a[i][j] and b[i][j] are the exact coefficients of tau^i xi^j.
 * A and B do not wait for Y(h), which keeps the latency low.
 */
static double mills_diff_taylor(double h, double t)
{
	static const double a[6][6] = {
		{ 1.0, 1.0 / 6, 1.0 / 120, 1.0 / 5040, 1.0 / 362880, 1.0 / 39916800 },
		{ 1.0 / 3, 3.0 / 40, 1.0 / 252, 1.0 / 10368, 1.0 / 739200 },
		{ 1.0 / 15, 29.0 / 1680, 23.0 / 24192, 67.0 / 2851200 },
		{ 1.0 / 105, 65.0 / 24192, 29.0 / 190080 },
		{ 1.0 / 945, 281.0 / 887040 },
		{ 1.0 / 10395 },
	};
	static const double b[6][6] = {
		{ 1.0, 1.0 / 6, 1.0 / 120, 1.0 / 5040, 1.0 / 362880, 1.0 / 39916800 },
		{ 1.0 / 2, 1.0 / 12, 1.0 / 240, 1.0 / 10080, 1.0 / 725760 },
		{ 1.0 / 8, 1.0 / 48, 1.0 / 960, 1.0 / 40320 },
		{ 1.0 / 48, 1.0 / 288, 1.0 / 5760 },
		{ 1.0 / 384, 1.0 / 2304 },
		{ 1.0 / 3840 },
	};
	double y0 = SQRT_HALF_PI * erfcx_pos(-h * INV_SQRT2);
	double tau = t * t, ht = h * t, xi = ht * ht;
	/* the polynomial in xi for each power of tau, then Horner in tau (written out: no loops to unroll) */
#define XI_POLY(c, i) (c[i][0] + xi * (c[i][1] + xi * (c[i][2] + xi * (c[i][3] + xi * (c[i][4] + xi * c[i][5])))))
	double a0 = XI_POLY(a, 0), b0 = XI_POLY(b, 0);
#undef XI_POLY
	double a1 = a[1][0] + xi * (a[1][1] + xi * (a[1][2] + xi * (a[1][3] + xi * a[1][4])));
	double b1 = b[1][0] + xi * (b[1][1] + xi * (b[1][2] + xi * (b[1][3] + xi * b[1][4])));
	double a2 = a[2][0] + xi * (a[2][1] + xi * (a[2][2] + xi * a[2][3]));
	double b2 = b[2][0] + xi * (b[2][1] + xi * (b[2][2] + xi * b[2][3]));
	double a3 = a[3][0] + xi * (a[3][1] + xi * a[3][2]), b3 = b[3][0] + xi * (b[3][1] + xi * b[3][2]);
	double a4 = a[4][0] + xi * a[4][1], b4 = b[4][0] + xi * b[4][1];
	double A = a0 + tau * (a1 + tau * (a2 + tau * (a3 + tau * (a4 + tau * a[5][0]))));
	double B = b0 + tau * (b1 + tau * (b2 + tau * (b3 + tau * (b4 + tau * b[5][0]))));
	return t * (A + h * y0 * B);
}

/*
 * q = -(h^2 + t^2)/2 for h ~ x/s, t = s/2, as hi + lo.  Rounding q costs
 * |q| ulp in e^q, so past |q| = 1 the exact x/s is carried as a
 * double-double h + hl and the squares are split exactly: e^q stays right
 * to about one ulp even when |q| is several hundred (the far tail).
 */
static double gauss_exponent(double x, double s, double is, double h, double *lo)
{
	double t = 0.5 * s;
	double q = -0.5 * (h * h + t * t);
	*lo = 0;
	if (q > -1.0)
		return q;
	double hs = h * s;
	double hl = ((x - hs) - two_prod_err(h, s, hs)) * is;   /* x/s = h + hl; x - hs is exact (Sterbenz) */
	double h2 = h * h, t2 = t * t;
	double h2l = two_prod_err(h, h, h2) + 2.0 * h * hl, t2l = two_prod_err(t, t, t2);
	double sum = h2 + t2;
	double err = h2 >= t2 ? t2 - (sum - h2) : h2 - (sum - t2);   /* Fast2Sum */
	*lo = -0.5 * (err + h2l + t2l);
	return -0.5 * sum;
}

/* One evaluation of b(x, s) for x <= 0, s > 0: the price or its logarithm, as the objective needs. */
typedef struct bval {
	double b;     /* b(x, s), may underflow to 0 in the far tail (price mode) */
	double vega;  /* b'(s) = e^{-(h^2+t^2)/2} / sqrt(2 pi) (price mode) */
	double lnb;   /* ln b, finite where b underflows (log mode) */
	double vb;    /* b'/b (log mode) */
	double bv;    /* b/b' (log mode) */
} bval;

/*
 * b = e^q m with q = -(h^2+t^2)/2: m is the difference of Mills ratios over
 * sqrt(2 pi), or of scaled erfc's over 2, so the large exponent is applied
 * once, accurately, and never amplified by the cancellation inside m.  In
 * log mode e^q is not needed at all (ln b = q + ln m).
 */
static void black_otm(double x, double s, double is, int log_mode, bval *v)
{
	double h = x * is, t = 0.5 * s;   /* is = 1/s: the iteration has it already */
	double qlo, q = gauss_exponent(x, s, is, h, &qlo);
	double m;
	if (h + t < ASYM_H) {
		m = INV_SQRT_2PI * mills_diff_asym(h, t);
	} else if (t < TAYLOR_T) {
		m = 2.0 * INV_SQRT_2PI * mills_diff_taylor(h, t);
	} else {
		double u1 = -(h + t) * INV_SQRT2, u2 = (t - h) * INV_SQRT2;   /* u1 <= 7.1 < u2 */
		if (u1 >= 0) {
			m = 0.5 * (erfcx_pos(u1) - erfcx_pos(u2));
		} else {
			/* above the inflection point: b = b_max - (b_max - b), the complement as in black_otm_compl_log */
			double e = exp(q) * (1.0 + qlo);
			double b = exp(0.5 * x) - 0.5 * e * (erfcx_pos(-u1) + erfcx_pos(u2));
			if (log_mode) {
				v->lnb = log(b);
				v->bv = SQRT_2PI * b / e;
				v->vb = 1.0 / v->bv;
			} else {
				v->b = b;
				v->vega = e * INV_SQRT_2PI;
			}
			return;
		}
	}
	if (log_mode) {
		v->lnb = q + qlo + log(m);
		v->vb = INV_SQRT_2PI / m;
		v->bv = SQRT_2PI * m;
	} else {
		double e = exp(q) * (1.0 + qlo);
		v->b = e * m;
		v->vega = e * INV_SQRT_2PI;
	}
}

/*
 * ln(b_max - b(x, s)) for x <= 0 and s >= sqrt(2|x|), *w = b'/(b_max - b) and *wi = 1 / *w.
 * b_max - b = e^{x/2} Phi(-h-t) + e^{-x/2} Phi(h-t), two positive terms,
 * = e^q (erfcx(v1) + erfcx(v2))/2: no cancellation and no underflow.
 */
static double black_otm_compl_log(double x, double s, double is, double *w, double *wi)
{
	double h = x * is, t = 0.5 * s;
	double qlo, q = gauss_exponent(x, s, is, h, &qlo);
	double m = 0.5 * (erfcx_pos((h + t) * INV_SQRT2) + erfcx_pos((t - h) * INV_SQRT2));
	*w = INV_SQRT_2PI / m;
	*wi = SQRT_2PI * m;
	return q + qlo + log(m);
}

/* b of an out-of-the-money call, x <= 0, s >= 0. */
static double black_otm_price(double x, double s)
{
	if (!(s > 0))
		return 0.0;
	if (isinf(s))
		return exp(0.5 * x);
	bval v;
	black_otm(x, s, 1.0 / s, 0, &v);
	return v.b;
}

/* e^{y/2} - e^{-y/2} = 2 sinh(y/2) for y >= 0, the normalised intrinsic value, without cancellation near 0. */
static double intrinsic_normalised(double y)
{
	double e = expm1(0.5 * y);
	return e * (2.0 + e) / (1.0 + e);
}

double td_iv_black_normalised(double x, double s, double theta)
{
	double ax = fabs(x);
	/* the out-of-the-money side at -|x|, plus the intrinsic value on the other side */
	double tv = black_otm_price(-ax, s);
	if (theta * x > 0)
		return tv + intrinsic_normalised(ax);
	return tv;
}

/* ---- the initial guess -------------------------------------------------- */

/* The rational cubic through (xl, yl), (xr, yr) with slopes dl, dr and parameter r (r = 3: Hermite cubic). */
static double rational_cubic(double xv, double xl, double xr, double yl, double yr, double dl, double dr, double r)
{
	double h = xr - xl, u = (xv - xl) / h, o = 1.0 - u;
	if (!(h > 0))
		return 0.5 * (yl + yr);
	double num = yr * u * u * u + (r * yr - h * dr) * u * u * o + (r * yl + h * dl) * u * o * o + yl * o * o * o;
	return num / (1.0 + (r - 3.0) * u * o);
}

/*
 * The parameter r of that rational cubic on an interval of width w which
 * gives it the second derivative d2 at the left (left != 0) or right end,
 * from y''(left) = 2 (r (delta - dl) + dl - dr) / w and its mirror image;
 * then raised where needed so the curve keeps the data's shape: monotone
 * (Delbourgo-Gregory: r >= (dl + dr) / delta), and convex or concave at both
 * ends when the slopes are (the same relation with y'' = 0).
 */
static double rational_cubic_r(double w, double dl, double dr, double delta, double d2, int left)
{
	double il = 1.0 / (delta - dl), ir = 1.0 / (dr - delta);   /* independent divisions, in parallel */
	double r = (0.5 * w * d2 + dr - dl) * (left ? il : ir);
	double rmin = 0, mono = (dl + dr) / delta;
	if (isfinite(mono) && mono > rmin)
		rmin = mono;
	if ((dl - delta) * (dr - delta) < 0)
		rmin = fmax(rmin, fmax((dr - dl) * il, (dr - dl) * ir));
	if (!(r >= rmin))
		r = rmin;
	return fmin(r, 1e6);
}

/* b''/b' = x^2/s^3 - s/4 */
static double curvature(double ax, double s)
{
	return ax * ax / (s * s * s) - 0.25 * s;
}

/* The lower map f_l(s) = (2 pi |x| / 3^{3/2}) Phi(-z)^3, z = |x|/(sqrt3 s), with its first two derivatives. */
static double lower_map(double ax, double s, double *d1, double *d2)
{
	double is = 1.0 / s, z = ax * is * (1.0 / SQRT3), phi;
	double p = norm_cdf_neg(z, &phi);
	double a = TWO_PI * ax / (3.0 * SQRT3);
	*d1 = 3.0 * a * p * p * phi * z * is;
	*d2 = 3.0 * a * p * phi * z * is * is * (2.0 * phi * z + p * (z * z - 2.0));
	return a * p * p * p;
}

/* ---- the iteration ------------------------------------------------------- */

enum objective { OBJ_LOWER, OBJ_MIDDLE, OBJ_UPPER };

/* Total vol s of an out-of-the-money call, x <= 0, 0 < beta < bmax = e^{x/2}. */
static double iv_otm(double beta, double x, double bmax)
{
	double ax = -x;
	double sc = sqrt(2.0 * ax);
	double vc = INV_SQRT_2PI * bmax;   /* at s_c, h = -t so (h^2 + t^2)/2 = |x|/2 */
	/* b_c = b_max (1 - erfcx(sqrt|x|)) / 2 at the inflection point; the general form where that cancels */
	double bc = ax >= 0.02 ? 0.5 * bmax * (1.0 - erfcx_pos(sc * INV_SQRT2)) : ax > 0 ? black_otm_price(x, sc) : 0.0;
	double s, lo, hi;
	enum objective obj;
	bval v;

	if (beta < bc) {
		double sl = sc - bc / vc;
		double bl = 0, vl = 0;
		if (sl > 0) {
			black_otm(x, sl, 1.0 / sl, 0, &v);
			bl = v.b;
			vl = v.vega;
		}
		if (beta < bl) {
			/* f(beta) = f_l(s(beta)): slope 1 at 0, and value, slope, curvature of the map at b_l */
			double f1, f2, fl = lower_map(ax, sl, &f1, &f2);
			double dr = f1 / vl, d2 = (f2 - f1 * curvature(ax, sl)) / (vl * vl);
			double r = rational_cubic_r(bl, 1.0, dr, fl / bl, d2, 0);
			double f = rational_cubic(beta, 0.0, bl, 0.0, fl, 1.0, dr, r);
			double lp = log(3.0 * SQRT3 * f / (TWO_PI * ax)) / 3.0;   /* ln Phi(-z) */
			double z = lp < -0.6931471805599453 ? -norm_inv_low_log(lp) : NAN;
			s = ax / (SQRT3 * z);
			lo = 0;
			hi = sl;
			obj = OBJ_LOWER;
		} else {
			double dl = 1.0 / vl, dr = 1.0 / vc, delta = (sc - sl) / (bc - bl);
			s = rational_cubic(beta, bl, bc, sl, sc, dl, dr, rational_cubic_r(bc - bl, dl, dr, delta, 0.0, 0));
			lo = sl;
			hi = sc;
			obj = OBJ_MIDDLE;
		}
	} else {
		double su = sc + (bmax - bc) / vc;
		black_otm(x, su, 1.0 / su, 0, &v);
		double bu = v.b, vu = v.vega;
		if (beta <= bu) {
			double dl = 1.0 / vc, dr = 1.0 / vu, delta = (su - sc) / (bu - bc);
			s = rational_cubic(beta, bc, bu, sc, su, dl, dr, rational_cubic_r(bu - bc, dl, dr, delta, 0.0, 1));
			lo = sc;
			hi = su;
			obj = OBJ_MIDDLE;
		} else {
			/* f(beta) = f_u(s(beta)) = Phi(-s/2): value, slope, curvature at b_u, slope -1/2 at b_max */
			double phiu, fu = norm_cdf_neg(0.5 * su, &phiu);
			double f1 = -0.5 * phiu, f2 = 0.125 * su * phiu;
			double dl = f1 / vu, dr = -0.5, d2 = (f2 - f1 * curvature(ax, su)) / (vu * vu);
			double r = rational_cubic_r(bmax - bu, dl, dr, -fu / (bmax - bu), d2, 1);
			double f = rational_cubic(beta, bu, bmax, fu, 0.0, dl, dr, r);
			s = f > 0 && f < 0.5 ? -2.0 * norm_inv_low_log(log(f)) : NAN;
			lo = su;
			hi = INFINITY;
			obj = OBJ_UPPER;
		}
	}

	double lnbeta = obj == OBJ_LOWER ? log(beta) : 0, ilnbeta = 1.0 / lnbeta;
	double lncbeta = obj == OBJ_UPPER ? log(bmax - beta) : 0;
	for (int it = 0; it < MAX_ITER; it++) {
		if (!(s > lo && s < hi))   /* a guess or step outside the bracket: bisect */
			s = isinf(hi) ? 2.0 * lo + 1.0 : 0.5 * (lo + hi);
		double is = 1.0 / s, xs2 = ax * ax * is * is;
		double a2 = xs2 * is - 0.25 * s;                    /* b''/b', as curvature() */
		double a3 = a2 * a2 - 3.0 * xs2 * is * is - 0.25;   /* b'''/b' */
		double nu, g2, g3;
		int below;   /* b(s) < beta */
		if (obj == OBJ_LOWER) {
			black_otm(x, s, is, 1, &v);
			double L = v.lnb, iL = 1.0 / L, u = v.vb, k = (2.0 + L) * iL;
			below = L < lnbeta;
			nu = L * (lnbeta - L) * ilnbeta * v.bv;
			g2 = a2 - k * u;
			g3 = a3 + (2.0 + 6.0 * iL * (1.0 + iL)) * u * u - 3.0 * k * u * a2;
		} else if (obj == OBJ_UPPER) {
			double w, wi, lc = black_otm_compl_log(x, s, is, &w, &wi);
			below = lc > lncbeta;
			nu = (lc - lncbeta) * wi;
			g2 = a2 + w;
			g3 = a3 + 2.0 * w * w + 3.0 * w * a2;
		} else {
			black_otm(x, s, is, 0, &v);
			below = v.b < beta;
			nu = (beta - v.b) / v.vega;
			g2 = a2;
			g3 = a3;
		}
		if (below)
			lo = s;
		else
			hi = s;
		double ds = nu * (1.0 + 0.5 * g2 * nu) / (1.0 + nu * (g2 + nu * g3 / 6.0));
		if (!isfinite(ds))
			ds = 0.5 * ((below ? (isinf(hi) ? 2.0 * s : hi) : lo) - s);
		s += ds;
		if (fabs(ds) <= TOL * s)
			break;
	}
	return s;
}

/* ---- the public functions ------------------------------------------------ */

double td_iv_normalised(double beta, double x, double theta)
{
	if (!isfinite(beta) || !isfinite(x) || fabs(x) > X_MAX || (theta != 1.0 && theta != -1.0))
		return NAN;
	double ax = fabs(x), bmax = exp(-0.5 * ax);
	double intrinsic = theta * x > 0 ? intrinsic_normalised(ax) : 0.0;
	double tv = beta - intrinsic;
	if (!(tv > 0) || !(tv < bmax))
		return NAN;
	return iv_otm(tv, -ax, bmax);
}

/*
 * ln(a/b) to a few ulp of the result itself: near the money ln of the
 * rounded ratio would carry an absolute error of 1e-16, which a short expiry
 * turns into a large relative error of x/s (and of the price).
 */
static double log_ratio(double a, double b)
{
	if (a > 0.5 * b && a < 2.0 * b)
		return log1p((a - b) / b);   /* a - b is exact here */
	return log(a / b);
}

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -1;
}

int td_iv(const td_opt *o, double price, double *sigma, const char **why)
{
	if (!o || !sigma)
		return fail(why, "no option or no result given");
	if (o->model == TD_MODEL_AMERICAN)
		return fail(why, "american exercise is not supported (european models only)");
	if (o->model != TD_MODEL_BSM && o->model != TD_MODEL_BLACK76)
		return fail(why, "unknown pricing model");
	if (o->right != TD_CALL && o->right != TD_PUT)
		return fail(why, "option right must be call or put");
	if (!(o->T > 0) || !isfinite(o->T))
		return fail(why, "expiry must be positive");
	if (!(o->S > 0) || !isfinite(o->S) || !(o->K > 0) || !isfinite(o->K))
		return fail(why, "underlying and strike must be positive and finite");
	if (!isfinite(o->r) || (o->model == TD_MODEL_BSM && !isfinite(o->q)))
		return fail(why, "rates must be finite");
	if (!isfinite(price) || price < 0)
		return fail(why, "price not finite or negative");

	double disc = exp(-o->r * o->T);
	double x = log_ratio(o->S, o->K), fd, kd = o->K * disc;   /* fd, kd: the discounted forward and strike */
	if (o->model == TD_MODEL_BSM) {
		x += (o->r - o->q) * o->T;
		fd = o->S * exp(-o->q * o->T);
	} else {
		fd = o->S * disc;
	}
	if (!(fabs(x) <= X_MAX) || !(fd > 0) || !(kd > 0) || !isfinite(fd) || !isfinite(kd))
		return fail(why, "moneyness or discounting out of range");

	int call = o->right == TD_CALL;
	if (price >= (call ? fd : kd))
		return fail(why, call ? "price at or above the upper bound (the discounted forward for a call)"
				      : "price at or above the upper bound (the discounted strike for a put)");
	/*
	 * The intrinsic value D |F - K| as D sqrt(F K) 2 sinh(|x|/2): relative
	 * accuracy near the money, where fd - kd would lose digits to cancellation.
	 */
	double norm = sqrt(fd) * sqrt(kd), ax = fabs(x), bmax = exp(-0.5 * ax);
	double intrinsic = 0;
	if (call ? x > 0 : x < 0)
		intrinsic = norm * intrinsic_normalised(ax);
	if (price < intrinsic)
		return fail(why, "price below intrinsic value");
	double tv = price - intrinsic;
	if (!(tv > 0))
		return fail(why, "price has no time value (at intrinsic value)");

	/* the time value is an out-of-the-money call at -|x| in normalised units */
	double beta = tv / norm;
	if (!(beta > 0))
		return fail(why, "time value too small to imply a volatility");
	if (!(beta < bmax))
		return fail(why, call ? "price at or above the upper bound (the discounted forward for a call)"
				      : "price at or above the upper bound (the discounted strike for a put)");
	double s = iv_otm(beta, -ax, bmax);
	if (!(s > 0) || !isfinite(s))
		return fail(why, "no implied volatility found");
	*sigma = s / sqrt(o->T);
	return 0;
}
