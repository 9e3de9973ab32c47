// The GEMMs of a batch-1 Winograd layer through oneDNN's dnnl_sgemm, single-threaded (docs/performance.md,
// "After issue 19's kernels"): resnet34's layer3 at F(4×4) (36 × [256×256]·[256×16]), layer4 at F(2×2)
// (16 × [512×512]·[512×16]), each also with the operands swapped (Vᵀ·Uᵀ), and layer4's im2col GEMM.
// Prints the best of 30 runs. Built and run by scripts/narrow_gemms.sh.
#include <dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
void run(const char*name,char ta,char tb,int m,int n,int k,int lda,int ldb,int pos){
  float *a=malloc(sizeof(float)*pos*m*k),*b=malloc(sizeof(float)*k*n*pos),*c=malloc(sizeof(float)*m*n*pos);
  for(long i=0;i<(long)pos*m*k;i++)a[i]=1e-3*(i%7);for(long i=0;i<(long)k*n*pos;i++)b[i]=1e-3*(i%5);
  double best=1e9;
  for(int r=0;r<30;r++){double t=now();for(int p=0;p<pos;p++)dnnl_sgemm(ta,tb,m,n,k,1,a+(long)p*m*k,lda,b+(long)p*k*n,ldb,0,c+(long)p*m*n,n);t=now()-t;if(t<best)best=t;}
  printf("%-28s %8.3f ms  %6.1f GFLOP/s\n",name,best*1e3,2.0*m*n*k*pos/best/1e9);
}
int main(void){
  // layer3 b1 F4: 36 x [256x256]x[256x16]
  run("U.V  256x16x256 x36",'N','N',256,16,256,256,16,36);
  run("Vt.Ut 16x256x256 x36",'N','T',16,256,256,256,256,36);
  // layer4 b1 F2: 16 x [512x512]x[512x16]
  run("U.V  512x16x512 x16",'N','N',512,16,512,512,16,16);
  run("Vt.Ut 16x512x512 x16",'N','T',16,512,512,512,512,16);
  // im2col layer4: [512x4608]x[4608x49]
  run("im2col 512x49x4608",'N','N',512,49,4608,4608,49,1);
  run("im2col t 49x512x4608",'N','T',49,512,4608,4608,4608,1);
  return 0;
}
