# AOT ID: ['0_inference']
from ctypes import c_void_p, c_long, c_int
import torch
import math
import random
import os
import tempfile
from math import inf, nan
from cmath import nanj
from torch._inductor.hooks import run_intermediate_hooks
from torch._inductor.utils import maybe_profile
from torch._inductor.codegen.memory_planning import _align as align
from torch import device, empty_strided
from torch._inductor.async_compile import AsyncCompile
from torch._inductor.select_algorithm import extern_kernels
from torch._inductor.runtime.runtime_utils import assert_tensor_metadata

aten = torch.ops.aten
inductor_ops = torch.ops.inductor
_quantized = torch.ops._quantized
assert_size_stride = torch._C._dynamo.guards.assert_size_stride
assert_size_stride_grouped = torch._C._dynamo.guards.assert_size_stride_grouped
assert_alignment = torch._C._dynamo.guards.assert_alignment
empty_strided_cpu = torch._C._dynamo.guards._empty_strided_cpu
empty_strided_cpu_pinned = torch._C._dynamo.guards._empty_strided_cpu_pinned
empty_strided_cuda = torch._C._dynamo.guards._empty_strided_cuda
empty_strided_xpu = torch._C._dynamo.guards._empty_strided_xpu
empty_strided_mtia = torch._C._dynamo.guards._empty_strided_mtia
reinterpret_tensor = torch._C._dynamo.guards._reinterpret_tensor
alloc_from_pool = torch.ops.inductor._alloc_from_pool
async_compile = AsyncCompile()
empty_strided_p2p = torch._C._distributed_c10d._SymmetricMemory.empty_strided_p2p


cpp_fused_hardswish_0 = async_compile.cpp_pybinding(['float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(1605632L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(1605632L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = static_cast<float>(3.0);
                        auto tmp2 = at::vec::Vectorized<float>(tmp1);
                        auto tmp3 = tmp0 + tmp2;
                        auto tmp4 = static_cast<float>(0.0);
                        auto tmp5 = at::vec::Vectorized<float>(tmp4);
                        auto tmp6 = at::vec::maximum(tmp3, tmp5);
                        auto tmp7 = static_cast<float>(6.0);
                        auto tmp8 = at::vec::Vectorized<float>(tmp7);
                        auto tmp9 = at::vec::minimum(tmp6, tmp8);
                        auto tmp10 = tmp0 * tmp9;
                        auto tmp11 = tmp10 / tmp8;
                        tmp11.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_relu_1 = async_compile.cpp_pybinding(['float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(1605632L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(1605632L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = at::vec::clamp_min(tmp0, decltype(tmp0)(0));
                        tmp1.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_add_2 = async_compile.cpp_pybinding(['float*', 'const float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0,
                       const float* in_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(1605632L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(1605632L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = at::vec::Vectorized<float>::loadu(in_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp2 = tmp0 + tmp1;
                        tmp2.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_relu_3 = async_compile.cpp_pybinding(['float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(6422528L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(6422528L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = at::vec::clamp_min(tmp0, decltype(tmp0)(0));
                        tmp1.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_relu_4 = async_compile.cpp_pybinding(['float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(1806336L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(1806336L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = at::vec::clamp_min(tmp0, decltype(tmp0)(0));
                        tmp1.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_add_5 = async_compile.cpp_pybinding(['float*', 'const float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0,
                       const float* in_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(602112L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(602112L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = at::vec::Vectorized<float>::loadu(in_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp2 = tmp0 + tmp1;
                        tmp2.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_mean_relu_6 = async_compile.cpp_pybinding(['float*', 'const float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0,
                       const float* in_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    auto out_ptr0 = in_out_ptr0;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(8L); x0+=static_cast<int64_t>(1L))
            {
                for(int64_t x1=static_cast<int64_t>(0L); x1<static_cast<int64_t>(72L); x1+=static_cast<int64_t>(8L))
                {
                    {
                        float tmp_acc0 = 0;
                        at::vec::Vectorized<float> tmp_acc0_vec = at::vec::Vectorized<float>(0);
                        for(int64_t x2=static_cast<int64_t>(0L); x2<static_cast<int64_t>(784L); x2+=static_cast<int64_t>(1L))
                        {
                            {
                                if(C10_LIKELY(x1 >= static_cast<int64_t>(0) && x1 < static_cast<int64_t>(72L)))
                                {
                                    auto tmp0 = at::vec::Vectorized<float>::loadu(in_ptr0 + static_cast<int64_t>(x1 + 72L*x2 + 56448L*x0), static_cast<int64_t>(8));
                                    auto tmp1 = at::vec::clamp_min(tmp0, decltype(tmp0)(0));
                                    tmp_acc0_vec = tmp_acc0_vec + tmp1;
                                }
                            }
                        }
                        if(C10_LIKELY(x1 >= static_cast<int64_t>(0) && x1 < static_cast<int64_t>(72L)))
                        {
                            tmp_acc0_vec.store(out_ptr0 + static_cast<int64_t>(x1 + 72L*x0));
                        }
                    }
                }
            }
        }
        #pragma omp single
        {
            {
                for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(576L); x0+=static_cast<int64_t>(8L))
                {
                    {
                        if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(576L)))
                        {
                            auto tmp0 = at::vec::Vectorized<float>::loadu(out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                            auto tmp1 = static_cast<float>(784.0);
                            auto tmp2 = at::vec::Vectorized<float>(tmp1);
                            auto tmp3 = tmp0 / tmp2;
                            tmp3.store(in_out_ptr0 + static_cast<int64_t>(x0));
                        }
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_relu_7 = async_compile.cpp_pybinding(['float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    {
        for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(192L); x0+=static_cast<int64_t>(8L))
        {
            {
                if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(192L)))
                {
                    auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                    auto tmp1 = at::vec::clamp_min(tmp0, decltype(tmp0)(0));
                    tmp1.store(in_out_ptr0 + static_cast<int64_t>(x0));
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_hardsigmoid_mul_relu_8 = async_compile.cpp_pybinding(['float*', 'const float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0,
                       const float* in_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(8L); x0+=static_cast<int64_t>(1L))
            {
                #pragma GCC ivdep
                for(int64_t x1=static_cast<int64_t>(0L); x1<static_cast<int64_t>(784L); x1+=static_cast<int64_t>(1L))
                {
                    for(int64_t x2=static_cast<int64_t>(0L); x2<static_cast<int64_t>(72L); x2+=static_cast<int64_t>(8L))
                    {
                        {
                            if(C10_LIKELY(x2 >= static_cast<int64_t>(0) && x2 < static_cast<int64_t>(72L)))
                            {
                                auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x2 + 72L*x1 + 56448L*x0), static_cast<int64_t>(8));
                                auto tmp2 = at::vec::Vectorized<float>::loadu(in_ptr0 + static_cast<int64_t>(x2 + 72L*x0), static_cast<int64_t>(8));
                                auto tmp1 = at::vec::clamp_min(tmp0, decltype(tmp0)(0));
                                auto tmp3 = static_cast<float>(3.0);
                                auto tmp4 = at::vec::Vectorized<float>(tmp3);
                                auto tmp5 = tmp2 + tmp4;
                                auto tmp6 = static_cast<float>(0.0);
                                auto tmp7 = at::vec::Vectorized<float>(tmp6);
                                auto tmp8 = at::vec::maximum(tmp5, tmp7);
                                auto tmp9 = static_cast<float>(6.0);
                                auto tmp10 = at::vec::Vectorized<float>(tmp9);
                                auto tmp11 = at::vec::minimum(tmp8, tmp10);
                                auto tmp12 = tmp11 / tmp10;
                                auto tmp13 = tmp1 * tmp12;
                                tmp13.store(in_out_ptr0 + static_cast<int64_t>(x2 + 72L*x1 + 56448L*x0));
                            }
                        }
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_relu_9 = async_compile.cpp_pybinding(['float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(752640L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(752640L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = at::vec::clamp_min(tmp0, decltype(tmp0)(0));
                        tmp1.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_mean_relu_10 = async_compile.cpp_pybinding(['float*', 'const float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0,
                       const float* in_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    auto out_ptr0 = in_out_ptr0;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(8L); x0+=static_cast<int64_t>(1L))
            {
                for(int64_t x1=static_cast<int64_t>(0L); x1<static_cast<int64_t>(120L); x1+=static_cast<int64_t>(8L))
                {
                    {
                        float tmp_acc0 = 0;
                        at::vec::Vectorized<float> tmp_acc0_vec = at::vec::Vectorized<float>(0);
                        for(int64_t x2=static_cast<int64_t>(0L); x2<static_cast<int64_t>(784L); x2+=static_cast<int64_t>(1L))
                        {
                            {
                                if(C10_LIKELY(x1 >= static_cast<int64_t>(0) && x1 < static_cast<int64_t>(120L)))
                                {
                                    auto tmp0 = at::vec::Vectorized<float>::loadu(in_ptr0 + static_cast<int64_t>(x1 + 120L*x2 + 94080L*x0), static_cast<int64_t>(8));
                                    auto tmp1 = at::vec::clamp_min(tmp0, decltype(tmp0)(0));
                                    tmp_acc0_vec = tmp_acc0_vec + tmp1;
                                }
                            }
                        }
                        if(C10_LIKELY(x1 >= static_cast<int64_t>(0) && x1 < static_cast<int64_t>(120L)))
                        {
                            tmp_acc0_vec.store(out_ptr0 + static_cast<int64_t>(x1 + 120L*x0));
                        }
                    }
                }
            }
        }
        #pragma omp single
        {
            {
                for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(960L); x0+=static_cast<int64_t>(8L))
                {
                    {
                        if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(960L)))
                        {
                            auto tmp0 = at::vec::Vectorized<float>::loadu(out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                            auto tmp1 = static_cast<float>(784.0);
                            auto tmp2 = at::vec::Vectorized<float>(tmp1);
                            auto tmp3 = tmp0 / tmp2;
                            tmp3.store(in_out_ptr0 + static_cast<int64_t>(x0));
                        }
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_relu_11 = async_compile.cpp_pybinding(['float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    {
        for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(256L); x0+=static_cast<int64_t>(8L))
        {
            {
                if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(256L)))
                {
                    auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                    auto tmp1 = at::vec::clamp_min(tmp0, decltype(tmp0)(0));
                    tmp1.store(in_out_ptr0 + static_cast<int64_t>(x0));
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_hardsigmoid_mul_relu_12 = async_compile.cpp_pybinding(['float*', 'const float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0,
                       const float* in_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(8L); x0+=static_cast<int64_t>(1L))
            {
                #pragma GCC ivdep
                for(int64_t x1=static_cast<int64_t>(0L); x1<static_cast<int64_t>(784L); x1+=static_cast<int64_t>(1L))
                {
                    for(int64_t x2=static_cast<int64_t>(0L); x2<static_cast<int64_t>(120L); x2+=static_cast<int64_t>(8L))
                    {
                        {
                            if(C10_LIKELY(x2 >= static_cast<int64_t>(0) && x2 < static_cast<int64_t>(120L)))
                            {
                                auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x2 + 120L*x1 + 94080L*x0), static_cast<int64_t>(8));
                                auto tmp2 = at::vec::Vectorized<float>::loadu(in_ptr0 + static_cast<int64_t>(x2 + 120L*x0), static_cast<int64_t>(8));
                                auto tmp1 = at::vec::clamp_min(tmp0, decltype(tmp0)(0));
                                auto tmp3 = static_cast<float>(3.0);
                                auto tmp4 = at::vec::Vectorized<float>(tmp3);
                                auto tmp5 = tmp2 + tmp4;
                                auto tmp6 = static_cast<float>(0.0);
                                auto tmp7 = at::vec::Vectorized<float>(tmp6);
                                auto tmp8 = at::vec::maximum(tmp5, tmp7);
                                auto tmp9 = static_cast<float>(6.0);
                                auto tmp10 = at::vec::Vectorized<float>(tmp9);
                                auto tmp11 = at::vec::minimum(tmp8, tmp10);
                                auto tmp12 = tmp11 / tmp10;
                                auto tmp13 = tmp1 * tmp12;
                                tmp13.store(in_out_ptr0 + static_cast<int64_t>(x2 + 120L*x1 + 94080L*x0));
                            }
                        }
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_add_13 = async_compile.cpp_pybinding(['float*', 'const float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0,
                       const float* in_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(250880L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(250880L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = at::vec::Vectorized<float>::loadu(in_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp2 = tmp0 + tmp1;
                        tmp2.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_hardswish_14 = async_compile.cpp_pybinding(['float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(1505280L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(1505280L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = static_cast<float>(3.0);
                        auto tmp2 = at::vec::Vectorized<float>(tmp1);
                        auto tmp3 = tmp0 + tmp2;
                        auto tmp4 = static_cast<float>(0.0);
                        auto tmp5 = at::vec::Vectorized<float>(tmp4);
                        auto tmp6 = at::vec::maximum(tmp3, tmp5);
                        auto tmp7 = static_cast<float>(6.0);
                        auto tmp8 = at::vec::Vectorized<float>(tmp7);
                        auto tmp9 = at::vec::minimum(tmp6, tmp8);
                        auto tmp10 = tmp0 * tmp9;
                        auto tmp11 = tmp10 / tmp8;
                        tmp11.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_hardswish_15 = async_compile.cpp_pybinding(['float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(376320L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(376320L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = static_cast<float>(3.0);
                        auto tmp2 = at::vec::Vectorized<float>(tmp1);
                        auto tmp3 = tmp0 + tmp2;
                        auto tmp4 = static_cast<float>(0.0);
                        auto tmp5 = at::vec::Vectorized<float>(tmp4);
                        auto tmp6 = at::vec::maximum(tmp3, tmp5);
                        auto tmp7 = static_cast<float>(6.0);
                        auto tmp8 = at::vec::Vectorized<float>(tmp7);
                        auto tmp9 = at::vec::minimum(tmp6, tmp8);
                        auto tmp10 = tmp0 * tmp9;
                        auto tmp11 = tmp10 / tmp8;
                        tmp11.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_hardswish_16 = async_compile.cpp_pybinding(['float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(313600L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(313600L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = static_cast<float>(3.0);
                        auto tmp2 = at::vec::Vectorized<float>(tmp1);
                        auto tmp3 = tmp0 + tmp2;
                        auto tmp4 = static_cast<float>(0.0);
                        auto tmp5 = at::vec::Vectorized<float>(tmp4);
                        auto tmp6 = at::vec::maximum(tmp3, tmp5);
                        auto tmp7 = static_cast<float>(6.0);
                        auto tmp8 = at::vec::Vectorized<float>(tmp7);
                        auto tmp9 = at::vec::minimum(tmp6, tmp8);
                        auto tmp10 = tmp0 * tmp9;
                        auto tmp11 = tmp10 / tmp8;
                        tmp11.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_add_17 = async_compile.cpp_pybinding(['float*', 'const float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0,
                       const float* in_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(125440L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(125440L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = at::vec::Vectorized<float>::loadu(in_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp2 = tmp0 + tmp1;
                        tmp2.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_hardswish_18 = async_compile.cpp_pybinding(['float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(288512L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(288512L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = static_cast<float>(3.0);
                        auto tmp2 = at::vec::Vectorized<float>(tmp1);
                        auto tmp3 = tmp0 + tmp2;
                        auto tmp4 = static_cast<float>(0.0);
                        auto tmp5 = at::vec::Vectorized<float>(tmp4);
                        auto tmp6 = at::vec::maximum(tmp3, tmp5);
                        auto tmp7 = static_cast<float>(6.0);
                        auto tmp8 = at::vec::Vectorized<float>(tmp7);
                        auto tmp9 = at::vec::minimum(tmp6, tmp8);
                        auto tmp10 = tmp0 * tmp9;
                        auto tmp11 = tmp10 / tmp8;
                        tmp11.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_hardswish_19 = async_compile.cpp_pybinding(['float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(752640L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(752640L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = static_cast<float>(3.0);
                        auto tmp2 = at::vec::Vectorized<float>(tmp1);
                        auto tmp3 = tmp0 + tmp2;
                        auto tmp4 = static_cast<float>(0.0);
                        auto tmp5 = at::vec::Vectorized<float>(tmp4);
                        auto tmp6 = at::vec::maximum(tmp3, tmp5);
                        auto tmp7 = static_cast<float>(6.0);
                        auto tmp8 = at::vec::Vectorized<float>(tmp7);
                        auto tmp9 = at::vec::minimum(tmp6, tmp8);
                        auto tmp10 = tmp0 * tmp9;
                        auto tmp11 = tmp10 / tmp8;
                        tmp11.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_hardswish_mean_20 = async_compile.cpp_pybinding(['float*', 'const float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0,
                       const float* in_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    auto out_ptr0 = in_out_ptr0;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(8L); x0+=static_cast<int64_t>(1L))
            {
                for(int64_t x1=static_cast<int64_t>(0L); x1<static_cast<int64_t>(480L); x1+=static_cast<int64_t>(8L))
                {
                    {
                        float tmp_acc0 = 0;
                        at::vec::Vectorized<float> tmp_acc0_vec = at::vec::Vectorized<float>(0);
                        for(int64_t x2=static_cast<int64_t>(0L); x2<static_cast<int64_t>(196L); x2+=static_cast<int64_t>(1L))
                        {
                            {
                                if(C10_LIKELY(x1 >= static_cast<int64_t>(0) && x1 < static_cast<int64_t>(480L)))
                                {
                                    auto tmp0 = at::vec::Vectorized<float>::loadu(in_ptr0 + static_cast<int64_t>(x1 + 480L*x2 + 94080L*x0), static_cast<int64_t>(8));
                                    auto tmp1 = static_cast<float>(3.0);
                                    auto tmp2 = at::vec::Vectorized<float>(tmp1);
                                    auto tmp3 = tmp0 + tmp2;
                                    auto tmp4 = static_cast<float>(0.0);
                                    auto tmp5 = at::vec::Vectorized<float>(tmp4);
                                    auto tmp6 = at::vec::maximum(tmp3, tmp5);
                                    auto tmp7 = static_cast<float>(6.0);
                                    auto tmp8 = at::vec::Vectorized<float>(tmp7);
                                    auto tmp9 = at::vec::minimum(tmp6, tmp8);
                                    auto tmp10 = tmp0 * tmp9;
                                    auto tmp11 = tmp10 / tmp8;
                                    tmp_acc0_vec = tmp_acc0_vec + tmp11;
                                }
                            }
                        }
                        if(C10_LIKELY(x1 >= static_cast<int64_t>(0) && x1 < static_cast<int64_t>(480L)))
                        {
                            tmp_acc0_vec.store(out_ptr0 + static_cast<int64_t>(x1 + 480L*x0));
                        }
                    }
                }
            }
        }
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(3840L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(3840L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = static_cast<float>(196.0);
                        auto tmp2 = at::vec::Vectorized<float>(tmp1);
                        auto tmp3 = tmp0 / tmp2;
                        tmp3.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_relu_21 = async_compile.cpp_pybinding(['float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    {
        for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(960L); x0+=static_cast<int64_t>(8L))
        {
            {
                if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(960L)))
                {
                    auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                    auto tmp1 = at::vec::clamp_min(tmp0, decltype(tmp0)(0));
                    tmp1.store(in_out_ptr0 + static_cast<int64_t>(x0));
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_hardsigmoid_hardswish_mul_22 = async_compile.cpp_pybinding(['float*', 'const float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0,
                       const float* in_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(8L); x0+=static_cast<int64_t>(1L))
            {
                #pragma GCC ivdep
                for(int64_t x1=static_cast<int64_t>(0L); x1<static_cast<int64_t>(196L); x1+=static_cast<int64_t>(1L))
                {
                    for(int64_t x2=static_cast<int64_t>(0L); x2<static_cast<int64_t>(480L); x2+=static_cast<int64_t>(8L))
                    {
                        {
                            if(C10_LIKELY(x2 >= static_cast<int64_t>(0) && x2 < static_cast<int64_t>(480L)))
                            {
                                auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x2 + 480L*x1 + 94080L*x0), static_cast<int64_t>(8));
                                auto tmp12 = at::vec::Vectorized<float>::loadu(in_ptr0 + static_cast<int64_t>(x2 + 480L*x0), static_cast<int64_t>(8));
                                auto tmp1 = static_cast<float>(3.0);
                                auto tmp2 = at::vec::Vectorized<float>(tmp1);
                                auto tmp3 = tmp0 + tmp2;
                                auto tmp4 = static_cast<float>(0.0);
                                auto tmp5 = at::vec::Vectorized<float>(tmp4);
                                auto tmp6 = at::vec::maximum(tmp3, tmp5);
                                auto tmp7 = static_cast<float>(6.0);
                                auto tmp8 = at::vec::Vectorized<float>(tmp7);
                                auto tmp9 = at::vec::minimum(tmp6, tmp8);
                                auto tmp10 = tmp0 * tmp9;
                                auto tmp11 = tmp10 / tmp8;
                                auto tmp13 = tmp12 + tmp2;
                                auto tmp14 = at::vec::maximum(tmp13, tmp5);
                                auto tmp15 = at::vec::minimum(tmp14, tmp8);
                                auto tmp16 = tmp15 / tmp8;
                                auto tmp17 = tmp11 * tmp16;
                                tmp17.store(in_out_ptr0 + static_cast<int64_t>(x2 + 480L*x1 + 94080L*x0));
                            }
                        }
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_hardswish_23 = async_compile.cpp_pybinding(['float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(1053696L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(1053696L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = static_cast<float>(3.0);
                        auto tmp2 = at::vec::Vectorized<float>(tmp1);
                        auto tmp3 = tmp0 + tmp2;
                        auto tmp4 = static_cast<float>(0.0);
                        auto tmp5 = at::vec::Vectorized<float>(tmp4);
                        auto tmp6 = at::vec::maximum(tmp3, tmp5);
                        auto tmp7 = static_cast<float>(6.0);
                        auto tmp8 = at::vec::Vectorized<float>(tmp7);
                        auto tmp9 = at::vec::minimum(tmp6, tmp8);
                        auto tmp10 = tmp0 * tmp9;
                        auto tmp11 = tmp10 / tmp8;
                        tmp11.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_hardswish_mean_24 = async_compile.cpp_pybinding(['float*', 'const float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0,
                       const float* in_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    auto out_ptr0 = in_out_ptr0;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(8L); x0+=static_cast<int64_t>(1L))
            {
                for(int64_t x1=static_cast<int64_t>(0L); x1<static_cast<int64_t>(672L); x1+=static_cast<int64_t>(8L))
                {
                    {
                        float tmp_acc0 = 0;
                        at::vec::Vectorized<float> tmp_acc0_vec = at::vec::Vectorized<float>(0);
                        for(int64_t x2=static_cast<int64_t>(0L); x2<static_cast<int64_t>(196L); x2+=static_cast<int64_t>(1L))
                        {
                            {
                                if(C10_LIKELY(x1 >= static_cast<int64_t>(0) && x1 < static_cast<int64_t>(672L)))
                                {
                                    auto tmp0 = at::vec::Vectorized<float>::loadu(in_ptr0 + static_cast<int64_t>(x1 + 672L*x2 + 131712L*x0), static_cast<int64_t>(8));
                                    auto tmp1 = static_cast<float>(3.0);
                                    auto tmp2 = at::vec::Vectorized<float>(tmp1);
                                    auto tmp3 = tmp0 + tmp2;
                                    auto tmp4 = static_cast<float>(0.0);
                                    auto tmp5 = at::vec::Vectorized<float>(tmp4);
                                    auto tmp6 = at::vec::maximum(tmp3, tmp5);
                                    auto tmp7 = static_cast<float>(6.0);
                                    auto tmp8 = at::vec::Vectorized<float>(tmp7);
                                    auto tmp9 = at::vec::minimum(tmp6, tmp8);
                                    auto tmp10 = tmp0 * tmp9;
                                    auto tmp11 = tmp10 / tmp8;
                                    tmp_acc0_vec = tmp_acc0_vec + tmp11;
                                }
                            }
                        }
                        if(C10_LIKELY(x1 >= static_cast<int64_t>(0) && x1 < static_cast<int64_t>(672L)))
                        {
                            tmp_acc0_vec.store(out_ptr0 + static_cast<int64_t>(x1 + 672L*x0));
                        }
                    }
                }
            }
        }
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(5376L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(5376L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = static_cast<float>(196.0);
                        auto tmp2 = at::vec::Vectorized<float>(tmp1);
                        auto tmp3 = tmp0 / tmp2;
                        tmp3.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_relu_25 = async_compile.cpp_pybinding(['float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(1344L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(1344L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = at::vec::clamp_min(tmp0, decltype(tmp0)(0));
                        tmp1.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_hardsigmoid_hardswish_mul_26 = async_compile.cpp_pybinding(['float*', 'const float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0,
                       const float* in_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(8L); x0+=static_cast<int64_t>(1L))
            {
                #pragma GCC ivdep
                for(int64_t x1=static_cast<int64_t>(0L); x1<static_cast<int64_t>(196L); x1+=static_cast<int64_t>(1L))
                {
                    for(int64_t x2=static_cast<int64_t>(0L); x2<static_cast<int64_t>(672L); x2+=static_cast<int64_t>(8L))
                    {
                        {
                            if(C10_LIKELY(x2 >= static_cast<int64_t>(0) && x2 < static_cast<int64_t>(672L)))
                            {
                                auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x2 + 672L*x1 + 131712L*x0), static_cast<int64_t>(8));
                                auto tmp12 = at::vec::Vectorized<float>::loadu(in_ptr0 + static_cast<int64_t>(x2 + 672L*x0), static_cast<int64_t>(8));
                                auto tmp1 = static_cast<float>(3.0);
                                auto tmp2 = at::vec::Vectorized<float>(tmp1);
                                auto tmp3 = tmp0 + tmp2;
                                auto tmp4 = static_cast<float>(0.0);
                                auto tmp5 = at::vec::Vectorized<float>(tmp4);
                                auto tmp6 = at::vec::maximum(tmp3, tmp5);
                                auto tmp7 = static_cast<float>(6.0);
                                auto tmp8 = at::vec::Vectorized<float>(tmp7);
                                auto tmp9 = at::vec::minimum(tmp6, tmp8);
                                auto tmp10 = tmp0 * tmp9;
                                auto tmp11 = tmp10 / tmp8;
                                auto tmp13 = tmp12 + tmp2;
                                auto tmp14 = at::vec::maximum(tmp13, tmp5);
                                auto tmp15 = at::vec::minimum(tmp14, tmp8);
                                auto tmp16 = tmp15 / tmp8;
                                auto tmp17 = tmp11 * tmp16;
                                tmp17.store(in_out_ptr0 + static_cast<int64_t>(x2 + 672L*x1 + 131712L*x0));
                            }
                        }
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_add_27 = async_compile.cpp_pybinding(['float*', 'const float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0,
                       const float* in_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(175616L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(175616L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = at::vec::Vectorized<float>::loadu(in_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp2 = tmp0 + tmp1;
                        tmp2.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_hardswish_mean_28 = async_compile.cpp_pybinding(['float*', 'const float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0,
                       const float* in_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    auto out_ptr0 = in_out_ptr0;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(8L); x0+=static_cast<int64_t>(1L))
            {
                for(int64_t x1=static_cast<int64_t>(0L); x1<static_cast<int64_t>(672L); x1+=static_cast<int64_t>(8L))
                {
                    {
                        float tmp_acc0 = 0;
                        at::vec::Vectorized<float> tmp_acc0_vec = at::vec::Vectorized<float>(0);
                        for(int64_t x2=static_cast<int64_t>(0L); x2<static_cast<int64_t>(49L); x2+=static_cast<int64_t>(1L))
                        {
                            {
                                if(C10_LIKELY(x1 >= static_cast<int64_t>(0) && x1 < static_cast<int64_t>(672L)))
                                {
                                    auto tmp0 = at::vec::Vectorized<float>::loadu(in_ptr0 + static_cast<int64_t>(x1 + 672L*x2 + 32928L*x0), static_cast<int64_t>(8));
                                    auto tmp1 = static_cast<float>(3.0);
                                    auto tmp2 = at::vec::Vectorized<float>(tmp1);
                                    auto tmp3 = tmp0 + tmp2;
                                    auto tmp4 = static_cast<float>(0.0);
                                    auto tmp5 = at::vec::Vectorized<float>(tmp4);
                                    auto tmp6 = at::vec::maximum(tmp3, tmp5);
                                    auto tmp7 = static_cast<float>(6.0);
                                    auto tmp8 = at::vec::Vectorized<float>(tmp7);
                                    auto tmp9 = at::vec::minimum(tmp6, tmp8);
                                    auto tmp10 = tmp0 * tmp9;
                                    auto tmp11 = tmp10 / tmp8;
                                    tmp_acc0_vec = tmp_acc0_vec + tmp11;
                                }
                            }
                        }
                        if(C10_LIKELY(x1 >= static_cast<int64_t>(0) && x1 < static_cast<int64_t>(672L)))
                        {
                            tmp_acc0_vec.store(out_ptr0 + static_cast<int64_t>(x1 + 672L*x0));
                        }
                    }
                }
            }
        }
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(5376L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(5376L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = static_cast<float>(49.0);
                        auto tmp2 = at::vec::Vectorized<float>(tmp1);
                        auto tmp3 = tmp0 / tmp2;
                        tmp3.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_hardsigmoid_hardswish_mul_29 = async_compile.cpp_pybinding(['float*', 'const float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0,
                       const float* in_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(8L); x0+=static_cast<int64_t>(1L))
            {
                #pragma GCC ivdep
                for(int64_t x1=static_cast<int64_t>(0L); x1<static_cast<int64_t>(49L); x1+=static_cast<int64_t>(1L))
                {
                    for(int64_t x2=static_cast<int64_t>(0L); x2<static_cast<int64_t>(672L); x2+=static_cast<int64_t>(8L))
                    {
                        {
                            if(C10_LIKELY(x2 >= static_cast<int64_t>(0) && x2 < static_cast<int64_t>(672L)))
                            {
                                auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x2 + 672L*x1 + 32928L*x0), static_cast<int64_t>(8));
                                auto tmp12 = at::vec::Vectorized<float>::loadu(in_ptr0 + static_cast<int64_t>(x2 + 672L*x0), static_cast<int64_t>(8));
                                auto tmp1 = static_cast<float>(3.0);
                                auto tmp2 = at::vec::Vectorized<float>(tmp1);
                                auto tmp3 = tmp0 + tmp2;
                                auto tmp4 = static_cast<float>(0.0);
                                auto tmp5 = at::vec::Vectorized<float>(tmp4);
                                auto tmp6 = at::vec::maximum(tmp3, tmp5);
                                auto tmp7 = static_cast<float>(6.0);
                                auto tmp8 = at::vec::Vectorized<float>(tmp7);
                                auto tmp9 = at::vec::minimum(tmp6, tmp8);
                                auto tmp10 = tmp0 * tmp9;
                                auto tmp11 = tmp10 / tmp8;
                                auto tmp13 = tmp12 + tmp2;
                                auto tmp14 = at::vec::maximum(tmp13, tmp5);
                                auto tmp15 = at::vec::minimum(tmp14, tmp8);
                                auto tmp16 = tmp15 / tmp8;
                                auto tmp17 = tmp11 * tmp16;
                                tmp17.store(in_out_ptr0 + static_cast<int64_t>(x2 + 672L*x1 + 32928L*x0));
                            }
                        }
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_hardswish_mean_30 = async_compile.cpp_pybinding(['float*', 'const float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0,
                       const float* in_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    auto out_ptr0 = in_out_ptr0;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(8L); x0+=static_cast<int64_t>(1L))
            {
                for(int64_t x1=static_cast<int64_t>(0L); x1<static_cast<int64_t>(960L); x1+=static_cast<int64_t>(8L))
                {
                    {
                        float tmp_acc0 = 0;
                        at::vec::Vectorized<float> tmp_acc0_vec = at::vec::Vectorized<float>(0);
                        for(int64_t x2=static_cast<int64_t>(0L); x2<static_cast<int64_t>(49L); x2+=static_cast<int64_t>(1L))
                        {
                            {
                                if(C10_LIKELY(x1 >= static_cast<int64_t>(0) && x1 < static_cast<int64_t>(960L)))
                                {
                                    auto tmp0 = at::vec::Vectorized<float>::loadu(in_ptr0 + static_cast<int64_t>(x1 + 960L*x2 + 47040L*x0), static_cast<int64_t>(8));
                                    auto tmp1 = static_cast<float>(3.0);
                                    auto tmp2 = at::vec::Vectorized<float>(tmp1);
                                    auto tmp3 = tmp0 + tmp2;
                                    auto tmp4 = static_cast<float>(0.0);
                                    auto tmp5 = at::vec::Vectorized<float>(tmp4);
                                    auto tmp6 = at::vec::maximum(tmp3, tmp5);
                                    auto tmp7 = static_cast<float>(6.0);
                                    auto tmp8 = at::vec::Vectorized<float>(tmp7);
                                    auto tmp9 = at::vec::minimum(tmp6, tmp8);
                                    auto tmp10 = tmp0 * tmp9;
                                    auto tmp11 = tmp10 / tmp8;
                                    tmp_acc0_vec = tmp_acc0_vec + tmp11;
                                }
                            }
                        }
                        if(C10_LIKELY(x1 >= static_cast<int64_t>(0) && x1 < static_cast<int64_t>(960L)))
                        {
                            tmp_acc0_vec.store(out_ptr0 + static_cast<int64_t>(x1 + 960L*x0));
                        }
                    }
                }
            }
        }
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(7680L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(7680L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = static_cast<float>(49.0);
                        auto tmp2 = at::vec::Vectorized<float>(tmp1);
                        auto tmp3 = tmp0 / tmp2;
                        tmp3.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_relu_31 = async_compile.cpp_pybinding(['float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(1920L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(1920L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = at::vec::clamp_min(tmp0, decltype(tmp0)(0));
                        tmp1.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_hardsigmoid_hardswish_mul_32 = async_compile.cpp_pybinding(['float*', 'const float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0,
                       const float* in_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(8L); x0+=static_cast<int64_t>(1L))
            {
                #pragma GCC ivdep
                for(int64_t x1=static_cast<int64_t>(0L); x1<static_cast<int64_t>(49L); x1+=static_cast<int64_t>(1L))
                {
                    for(int64_t x2=static_cast<int64_t>(0L); x2<static_cast<int64_t>(960L); x2+=static_cast<int64_t>(8L))
                    {
                        {
                            if(C10_LIKELY(x2 >= static_cast<int64_t>(0) && x2 < static_cast<int64_t>(960L)))
                            {
                                auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x2 + 960L*x1 + 47040L*x0), static_cast<int64_t>(8));
                                auto tmp12 = at::vec::Vectorized<float>::loadu(in_ptr0 + static_cast<int64_t>(x2 + 960L*x0), static_cast<int64_t>(8));
                                auto tmp1 = static_cast<float>(3.0);
                                auto tmp2 = at::vec::Vectorized<float>(tmp1);
                                auto tmp3 = tmp0 + tmp2;
                                auto tmp4 = static_cast<float>(0.0);
                                auto tmp5 = at::vec::Vectorized<float>(tmp4);
                                auto tmp6 = at::vec::maximum(tmp3, tmp5);
                                auto tmp7 = static_cast<float>(6.0);
                                auto tmp8 = at::vec::Vectorized<float>(tmp7);
                                auto tmp9 = at::vec::minimum(tmp6, tmp8);
                                auto tmp10 = tmp0 * tmp9;
                                auto tmp11 = tmp10 / tmp8;
                                auto tmp13 = tmp12 + tmp2;
                                auto tmp14 = at::vec::maximum(tmp13, tmp5);
                                auto tmp15 = at::vec::minimum(tmp14, tmp8);
                                auto tmp16 = tmp15 / tmp8;
                                auto tmp17 = tmp11 * tmp16;
                                tmp17.store(in_out_ptr0 + static_cast<int64_t>(x2 + 960L*x1 + 47040L*x0));
                            }
                        }
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_add_33 = async_compile.cpp_pybinding(['float*', 'const float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0,
                       const float* in_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(62720L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(62720L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = at::vec::Vectorized<float>::loadu(in_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp2 = tmp0 + tmp1;
                        tmp2.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


cpp_fused_hardswish_34 = async_compile.cpp_pybinding(['float*'], r'''
#include <torch/csrc/inductor/cpp_prefix.h>
extern "C"  void  kernel(float* in_out_ptr0)
{
    std::atomic<int> inductor_cpu_integer_div_error{0};
    inductor_cpu_integer_div_error_flag = &inductor_cpu_integer_div_error;
    #pragma omp parallel
    {
        int tid = omp_get_thread_num();
        {
            #pragma omp for
            for(int64_t x0=static_cast<int64_t>(0L); x0<static_cast<int64_t>(10240L); x0+=static_cast<int64_t>(8L))
            {
                {
                    if(C10_LIKELY(x0 >= static_cast<int64_t>(0) && x0 < static_cast<int64_t>(10240L)))
                    {
                        auto tmp0 = at::vec::Vectorized<float>::loadu(in_out_ptr0 + static_cast<int64_t>(x0), static_cast<int64_t>(8));
                        auto tmp1 = static_cast<float>(3.0);
                        auto tmp2 = at::vec::Vectorized<float>(tmp1);
                        auto tmp3 = tmp0 + tmp2;
                        auto tmp4 = static_cast<float>(0.0);
                        auto tmp5 = at::vec::Vectorized<float>(tmp4);
                        auto tmp6 = at::vec::maximum(tmp3, tmp5);
                        auto tmp7 = static_cast<float>(6.0);
                        auto tmp8 = at::vec::Vectorized<float>(tmp7);
                        auto tmp9 = at::vec::minimum(tmp6, tmp8);
                        auto tmp10 = tmp0 * tmp9;
                        auto tmp11 = tmp10 / tmp8;
                        tmp11.store(in_out_ptr0 + static_cast<int64_t>(x0));
                    }
                }
            }
        }
    }
    inductor_cpu_integer_div_error_flag = nullptr;
    inductor_cpu_throw_if_integer_div_error(inductor_cpu_integer_div_error);
}
''')


async_compile.wait(globals())
del async_compile

class Runner:
    def __init__(self, partitions):
        self.partitions = partitions

    def recursively_apply_fns(self, fns):
        new_callables = []
        for fn, c in zip(fns, self.partitions):
            new_callables.append(fn(c))
        self.partitions = new_callables

    def call(self, args):
        arg0_1, arg1_1, arg2_1, arg3_1, arg4_1, arg5_1, arg6_1, arg7_1, arg8_1, arg9_1, arg10_1, arg11_1, arg12_1, arg13_1, arg14_1, arg15_1, arg16_1, arg17_1, arg18_1, arg19_1, arg20_1, arg21_1, arg22_1, arg23_1, arg24_1, arg25_1, arg26_1, arg27_1, arg28_1, arg29_1, arg30_1, arg31_1, arg32_1, arg33_1, arg34_1, arg35_1, arg36_1, arg37_1, arg38_1, arg39_1, arg40_1, arg41_1, arg42_1, arg43_1, arg44_1, arg45_1, arg46_1, arg47_1, arg48_1, arg49_1, arg50_1, arg51_1, arg52_1, arg53_1, arg54_1, arg55_1, arg56_1, arg57_1, arg58_1, arg59_1, arg60_1, arg61_1, arg62_1, arg63_1, arg64_1, arg65_1, arg66_1, arg67_1, arg68_1, arg69_1, arg70_1, arg71_1, arg72_1, arg73_1, arg74_1, arg75_1, arg76_1, arg77_1, arg78_1, arg79_1, arg80_1, arg81_1, arg82_1, arg83_1, arg84_1, arg85_1, arg86_1, arg87_1, arg88_1, arg89_1, arg90_1, arg91_1, arg92_1, arg93_1, arg94_1, arg95_1, arg96_1, arg97_1, arg98_1, arg99_1, arg100_1, arg101_1, arg102_1, arg103_1, arg104_1, arg105_1, arg106_1, arg107_1, arg108_1, arg109_1, arg110_1, arg111_1, arg112_1, arg113_1, arg114_1, arg115_1, arg116_1, arg117_1, arg118_1, arg119_1, arg120_1, arg121_1, arg122_1, arg123_1, arg124_1, arg125_1, arg126_1, arg127_1, arg128_1 = args
        args.clear()
        assert_size_stride_grouped((arg0_1, arg1_1, arg2_1), ((8, 3, 224, 224), (16, 3, 3, 3), (16, )), ((150528, 1, 672, 3), (27, 1, 9, 3), (1, )), 'input')
        # Topologically Sorted Source Nodes: [conv2d], Original ATen: [aten.convolution]
        buf0 = extern_kernels.convolution(arg0_1, arg1_1, arg2_1, stride=(2, 2), padding=(1, 1), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf0, (8, 16, 112, 112), (200704, 1, 1792, 16), torch.float32, 'torch.ops.aten.convolution.default')
        del arg0_1
        del arg1_1
        del arg2_1
        buf1 = buf0; del buf0  # reuse
        assert_size_stride_grouped((arg3_1, arg4_1), ((16, 1, 3, 3), (16, )), ((9, 1, 3, 1), (1, )), 'input')
        cpp_fused_hardswish_0(buf1)
        # Topologically Sorted Source Nodes: [input_1, conv2d_1], Original ATen: [aten.hardswish, aten.convolution]
        buf2 = extern_kernels.convolution(buf1, arg3_1, arg4_1, stride=(1, 1), padding=(1, 1), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=16)
        assert_tensor_metadata(buf2, (8, 16, 112, 112), (200704, 1, 1792, 16), torch.float32, 'torch.ops.aten.convolution.default')
        del arg3_1
        del arg4_1
        buf3 = buf2; del buf2  # reuse
        assert_size_stride_grouped((arg5_1, arg6_1), ((16, 16, 1, 1), (16, )), ((16, 1, 16, 16), (1, )), 'input')
        cpp_fused_relu_1(buf3)
        # Topologically Sorted Source Nodes: [x, conv2d_2], Original ATen: [aten.relu, aten.convolution]
        buf4 = extern_kernels.convolution(buf3, arg5_1, arg6_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf4, (8, 16, 112, 112), (200704, 1, 1792, 16), torch.float32, 'torch.ops.aten.convolution.default')
        del arg5_1
        del arg6_1
        del buf3
        buf5 = buf4; del buf4  # reuse
        assert_size_stride_grouped((arg7_1, arg8_1), ((64, 16, 1, 1), (64, )), ((16, 1, 16, 16), (1, )), 'input')
        cpp_fused_add_2(buf5, buf1)
        del buf1
        # Topologically Sorted Source Nodes: [input_2, conv2d_3], Original ATen: [aten.add, aten.convolution]
        buf6 = extern_kernels.convolution(buf5, arg7_1, arg8_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf6, (8, 64, 112, 112), (802816, 1, 7168, 64), torch.float32, 'torch.ops.aten.convolution.default')
        del arg7_1
        del arg8_1
        del buf5
        buf7 = buf6; del buf6  # reuse
        assert_size_stride_grouped((arg9_1, arg10_1), ((64, 1, 3, 3), (64, )), ((9, 1, 3, 1), (1, )), 'input')
        cpp_fused_relu_3(buf7)
        # Topologically Sorted Source Nodes: [x_1, conv2d_4], Original ATen: [aten.relu, aten.convolution]
        buf8 = extern_kernels.convolution(buf7, arg9_1, arg10_1, stride=(2, 2), padding=(1, 1), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=64)
        assert_tensor_metadata(buf8, (8, 64, 56, 56), (200704, 1, 3584, 64), torch.float32, 'torch.ops.aten.convolution.default')
        del arg10_1
        del arg9_1
        del buf7
        buf9 = buf8; del buf8  # reuse
        assert_size_stride_grouped((arg11_1, arg12_1), ((24, 64, 1, 1), (24, )), ((64, 1, 64, 64), (1, )), 'input')
        cpp_fused_relu_1(buf9)
        # Topologically Sorted Source Nodes: [x_2, input_3], Original ATen: [aten.relu, aten.convolution]
        buf10 = extern_kernels.convolution(buf9, arg11_1, arg12_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf10, (8, 24, 56, 56), (75264, 1, 1344, 24), torch.float32, 'torch.ops.aten.convolution.default')
        del arg11_1
        del arg12_1
        del buf9
        assert_size_stride_grouped((arg13_1, arg14_1), ((72, 24, 1, 1), (72, )), ((24, 1, 24, 24), (1, )), 'input')
        # Topologically Sorted Source Nodes: [conv2d_6], Original ATen: [aten.convolution]
        buf11 = extern_kernels.convolution(buf10, arg13_1, arg14_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf11, (8, 72, 56, 56), (225792, 1, 4032, 72), torch.float32, 'torch.ops.aten.convolution.default')
        del arg13_1
        del arg14_1
        buf12 = buf11; del buf11  # reuse
        assert_size_stride_grouped((arg15_1, arg16_1), ((72, 1, 3, 3), (72, )), ((9, 1, 3, 1), (1, )), 'input')
        cpp_fused_relu_4(buf12)
        # Topologically Sorted Source Nodes: [x_3, conv2d_7], Original ATen: [aten.relu, aten.convolution]
        buf13 = extern_kernels.convolution(buf12, arg15_1, arg16_1, stride=(1, 1), padding=(1, 1), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=72)
        assert_tensor_metadata(buf13, (8, 72, 56, 56), (225792, 1, 4032, 72), torch.float32, 'torch.ops.aten.convolution.default')
        del arg15_1
        del arg16_1
        del buf12
        buf14 = buf13; del buf13  # reuse
        assert_size_stride_grouped((arg17_1, arg18_1), ((24, 72, 1, 1), (24, )), ((72, 1, 72, 72), (1, )), 'input')
        cpp_fused_relu_4(buf14)
        # Topologically Sorted Source Nodes: [x_4, conv2d_8], Original ATen: [aten.relu, aten.convolution]
        buf15 = extern_kernels.convolution(buf14, arg17_1, arg18_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf15, (8, 24, 56, 56), (75264, 1, 1344, 24), torch.float32, 'torch.ops.aten.convolution.default')
        del arg17_1
        del arg18_1
        del buf14
        buf16 = buf15; del buf15  # reuse
        assert_size_stride_grouped((arg19_1, arg20_1), ((72, 24, 1, 1), (72, )), ((24, 1, 24, 24), (1, )), 'input')
        cpp_fused_add_5(buf16, buf10)
        del buf10
        # Topologically Sorted Source Nodes: [input_4, conv2d_9], Original ATen: [aten.add, aten.convolution]
        buf17 = extern_kernels.convolution(buf16, arg19_1, arg20_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf17, (8, 72, 56, 56), (225792, 1, 4032, 72), torch.float32, 'torch.ops.aten.convolution.default')
        del arg19_1
        del arg20_1
        del buf16
        buf18 = buf17; del buf17  # reuse
        assert_size_stride_grouped((arg21_1, arg22_1), ((72, 1, 5, 5), (72, )), ((25, 1, 5, 1), (1, )), 'input')
        cpp_fused_relu_4(buf18)
        # Topologically Sorted Source Nodes: [x_5, conv2d_10], Original ATen: [aten.relu, aten.convolution]
        buf19 = extern_kernels.convolution(buf18, arg21_1, arg22_1, stride=(2, 2), padding=(2, 2), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=72)
        assert_tensor_metadata(buf19, (8, 72, 28, 28), (56448, 1, 2016, 72), torch.float32, 'torch.ops.aten.convolution.default')
        del arg21_1
        del arg22_1
        del buf18
        buf20 = empty_strided_cpu((8, 72, 1, 1), (72, 1, 576, 576), torch.float32)
        buf21 = reinterpret_tensor(buf20, (8, 72, 1, 1), (72, 1, 1, 1), 0); del buf20  # reuse
        assert_size_stride_grouped((arg23_1, arg24_1), ((24, 72, 1, 1), (24, )), ((72, 1, 72, 72), (1, )), 'input')
        cpp_fused_mean_relu_6(buf21, buf19)
        # Topologically Sorted Source Nodes: [x_6, mean, conv2d_11], Original ATen: [aten.relu, aten.mean, aten.convolution]
        buf22 = extern_kernels.convolution(buf21, arg23_1, arg24_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf22, (8, 24, 1, 1), (24, 1, 24, 24), torch.float32, 'torch.ops.aten.convolution.default')
        del arg23_1
        del arg24_1
        del buf21
        buf23 = reinterpret_tensor(buf22, (8, 24, 1, 1), (24, 1, 1, 1), 0); del buf22  # reuse
        assert_size_stride_grouped((arg25_1, arg26_1), ((72, 24, 1, 1), (72, )), ((24, 1, 24, 24), (1, )), 'input')
        cpp_fused_relu_7(buf23)
        # Topologically Sorted Source Nodes: [relu_7, conv2d_12], Original ATen: [aten.relu, aten.convolution]
        buf24 = extern_kernels.convolution(buf23, arg25_1, arg26_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf24, (8, 72, 1, 1), (72, 1, 72, 72), torch.float32, 'torch.ops.aten.convolution.default')
        del arg25_1
        del arg26_1
        del buf23
        buf25 = buf19; del buf19  # reuse
        assert_size_stride_grouped((arg27_1, arg28_1), ((40, 72, 1, 1), (40, )), ((72, 1, 72, 72), (1, )), 'input')
        cpp_fused_hardsigmoid_mul_relu_8(buf25, buf24)
        del buf24
        # Topologically Sorted Source Nodes: [x_6, s, x_7, input_5], Original ATen: [aten.relu, aten.hardsigmoid, aten.mul, aten.convolution]
        buf26 = extern_kernels.convolution(buf25, arg27_1, arg28_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf26, (8, 40, 28, 28), (31360, 1, 1120, 40), torch.float32, 'torch.ops.aten.convolution.default')
        del arg27_1
        del arg28_1
        del buf25
        assert_size_stride_grouped((arg29_1, arg30_1), ((120, 40, 1, 1), (120, )), ((40, 1, 40, 40), (1, )), 'input')
        # Topologically Sorted Source Nodes: [conv2d_14], Original ATen: [aten.convolution]
        buf27 = extern_kernels.convolution(buf26, arg29_1, arg30_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf27, (8, 120, 28, 28), (94080, 1, 3360, 120), torch.float32, 'torch.ops.aten.convolution.default')
        del arg29_1
        del arg30_1
        buf28 = buf27; del buf27  # reuse
        assert_size_stride_grouped((arg31_1, arg32_1), ((120, 1, 5, 5), (120, )), ((25, 1, 5, 1), (1, )), 'input')
        cpp_fused_relu_9(buf28)
        # Topologically Sorted Source Nodes: [x_8, conv2d_15], Original ATen: [aten.relu, aten.convolution]
        buf29 = extern_kernels.convolution(buf28, arg31_1, arg32_1, stride=(1, 1), padding=(2, 2), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=120)
        assert_tensor_metadata(buf29, (8, 120, 28, 28), (94080, 1, 3360, 120), torch.float32, 'torch.ops.aten.convolution.default')
        del arg31_1
        del arg32_1
        del buf28
        buf30 = empty_strided_cpu((8, 120, 1, 1), (120, 1, 960, 960), torch.float32)
        buf31 = reinterpret_tensor(buf30, (8, 120, 1, 1), (120, 1, 1, 1), 0); del buf30  # reuse
        assert_size_stride_grouped((arg33_1, arg34_1), ((32, 120, 1, 1), (32, )), ((120, 1, 120, 120), (1, )), 'input')
        cpp_fused_mean_relu_10(buf31, buf29)
        # Topologically Sorted Source Nodes: [x_9, mean_1, conv2d_16], Original ATen: [aten.relu, aten.mean, aten.convolution]
        buf32 = extern_kernels.convolution(buf31, arg33_1, arg34_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf32, (8, 32, 1, 1), (32, 1, 32, 32), torch.float32, 'torch.ops.aten.convolution.default')
        del arg33_1
        del arg34_1
        del buf31
        buf33 = reinterpret_tensor(buf32, (8, 32, 1, 1), (32, 1, 1, 1), 0); del buf32  # reuse
        assert_size_stride_grouped((arg35_1, arg36_1), ((120, 32, 1, 1), (120, )), ((32, 1, 32, 32), (1, )), 'input')
        cpp_fused_relu_11(buf33)
        # Topologically Sorted Source Nodes: [relu_10, conv2d_17], Original ATen: [aten.relu, aten.convolution]
        buf34 = extern_kernels.convolution(buf33, arg35_1, arg36_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf34, (8, 120, 1, 1), (120, 1, 120, 120), torch.float32, 'torch.ops.aten.convolution.default')
        del arg35_1
        del arg36_1
        del buf33
        buf35 = buf29; del buf29  # reuse
        assert_size_stride_grouped((arg37_1, arg38_1), ((40, 120, 1, 1), (40, )), ((120, 1, 120, 120), (1, )), 'input')
        cpp_fused_hardsigmoid_mul_relu_12(buf35, buf34)
        # Topologically Sorted Source Nodes: [x_9, s_1, x_10, conv2d_18], Original ATen: [aten.relu, aten.hardsigmoid, aten.mul, aten.convolution]
        buf36 = extern_kernels.convolution(buf35, arg37_1, arg38_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf36, (8, 40, 28, 28), (31360, 1, 1120, 40), torch.float32, 'torch.ops.aten.convolution.default')
        del arg37_1
        del arg38_1
        del buf35
        buf37 = buf36; del buf36  # reuse
        assert_size_stride_grouped((arg39_1, arg40_1), ((120, 40, 1, 1), (120, )), ((40, 1, 40, 40), (1, )), 'input')
        cpp_fused_add_13(buf37, buf26)
        del buf26
        # Topologically Sorted Source Nodes: [conv2d_19], Original ATen: [aten.convolution]
        buf38 = extern_kernels.convolution(buf37, arg39_1, arg40_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf38, (8, 120, 28, 28), (94080, 1, 3360, 120), torch.float32, 'torch.ops.aten.convolution.default')
        del arg39_1
        del arg40_1
        buf39 = buf38; del buf38  # reuse
        assert_size_stride_grouped((arg41_1, arg42_1), ((120, 1, 5, 5), (120, )), ((25, 1, 5, 1), (1, )), 'input')
        cpp_fused_relu_9(buf39)
        # Topologically Sorted Source Nodes: [x_11, conv2d_20], Original ATen: [aten.relu, aten.convolution]
        buf40 = extern_kernels.convolution(buf39, arg41_1, arg42_1, stride=(1, 1), padding=(2, 2), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=120)
        assert_tensor_metadata(buf40, (8, 120, 28, 28), (94080, 1, 3360, 120), torch.float32, 'torch.ops.aten.convolution.default')
        del arg41_1
        del arg42_1
        del buf39
        buf41 = reinterpret_tensor(buf34, (8, 120, 1, 1), (120, 1, 960, 960), 0); del buf34  # reuse
        buf42 = reinterpret_tensor(buf41, (8, 120, 1, 1), (120, 1, 1, 1), 0); del buf41  # reuse
        assert_size_stride_grouped((arg43_1, arg44_1), ((32, 120, 1, 1), (32, )), ((120, 1, 120, 120), (1, )), 'input')
        cpp_fused_mean_relu_10(buf42, buf40)
        # Topologically Sorted Source Nodes: [x_12, mean_2, conv2d_21], Original ATen: [aten.relu, aten.mean, aten.convolution]
        buf43 = extern_kernels.convolution(buf42, arg43_1, arg44_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf43, (8, 32, 1, 1), (32, 1, 32, 32), torch.float32, 'torch.ops.aten.convolution.default')
        del arg43_1
        del arg44_1
        del buf42
        buf44 = reinterpret_tensor(buf43, (8, 32, 1, 1), (32, 1, 1, 1), 0); del buf43  # reuse
        assert_size_stride_grouped((arg45_1, arg46_1), ((120, 32, 1, 1), (120, )), ((32, 1, 32, 32), (1, )), 'input')
        cpp_fused_relu_11(buf44)
        # Topologically Sorted Source Nodes: [relu_13, conv2d_22], Original ATen: [aten.relu, aten.convolution]
        buf45 = extern_kernels.convolution(buf44, arg45_1, arg46_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf45, (8, 120, 1, 1), (120, 1, 120, 120), torch.float32, 'torch.ops.aten.convolution.default')
        del arg45_1
        del arg46_1
        del buf44
        buf46 = buf40; del buf40  # reuse
        assert_size_stride_grouped((arg47_1, arg48_1), ((40, 120, 1, 1), (40, )), ((120, 1, 120, 120), (1, )), 'input')
        cpp_fused_hardsigmoid_mul_relu_12(buf46, buf45)
        del buf45
        # Topologically Sorted Source Nodes: [x_12, s_2, x_13, conv2d_23], Original ATen: [aten.relu, aten.hardsigmoid, aten.mul, aten.convolution]
        buf47 = extern_kernels.convolution(buf46, arg47_1, arg48_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf47, (8, 40, 28, 28), (31360, 1, 1120, 40), torch.float32, 'torch.ops.aten.convolution.default')
        del arg47_1
        del arg48_1
        del buf46
        buf48 = buf47; del buf47  # reuse
        assert_size_stride_grouped((arg49_1, arg50_1), ((240, 40, 1, 1), (240, )), ((40, 1, 40, 40), (1, )), 'input')
        cpp_fused_add_13(buf48, buf37)
        del buf37
        # Topologically Sorted Source Nodes: [input_7, conv2d_24], Original ATen: [aten.add, aten.convolution]
        buf49 = extern_kernels.convolution(buf48, arg49_1, arg50_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf49, (8, 240, 28, 28), (188160, 1, 6720, 240), torch.float32, 'torch.ops.aten.convolution.default')
        del arg49_1
        del arg50_1
        del buf48
        buf50 = buf49; del buf49  # reuse
        assert_size_stride_grouped((arg51_1, arg52_1), ((240, 1, 3, 3), (240, )), ((9, 1, 3, 1), (1, )), 'input')
        cpp_fused_hardswish_14(buf50)
        # Topologically Sorted Source Nodes: [x_14, conv2d_25], Original ATen: [aten.hardswish, aten.convolution]
        buf51 = extern_kernels.convolution(buf50, arg51_1, arg52_1, stride=(2, 2), padding=(1, 1), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=240)
        assert_tensor_metadata(buf51, (8, 240, 14, 14), (47040, 1, 3360, 240), torch.float32, 'torch.ops.aten.convolution.default')
        del arg51_1
        del arg52_1
        del buf50
        buf52 = buf51; del buf51  # reuse
        assert_size_stride_grouped((arg53_1, arg54_1), ((80, 240, 1, 1), (80, )), ((240, 1, 240, 240), (1, )), 'input')
        cpp_fused_hardswish_15(buf52)
        # Topologically Sorted Source Nodes: [x_15, input_8], Original ATen: [aten.hardswish, aten.convolution]
        buf53 = extern_kernels.convolution(buf52, arg53_1, arg54_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf53, (8, 80, 14, 14), (15680, 1, 1120, 80), torch.float32, 'torch.ops.aten.convolution.default')
        del arg53_1
        del arg54_1
        del buf52
        assert_size_stride_grouped((arg55_1, arg56_1), ((200, 80, 1, 1), (200, )), ((80, 1, 80, 80), (1, )), 'input')
        # Topologically Sorted Source Nodes: [conv2d_27], Original ATen: [aten.convolution]
        buf54 = extern_kernels.convolution(buf53, arg55_1, arg56_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf54, (8, 200, 14, 14), (39200, 1, 2800, 200), torch.float32, 'torch.ops.aten.convolution.default')
        del arg55_1
        del arg56_1
        buf55 = buf54; del buf54  # reuse
        assert_size_stride_grouped((arg57_1, arg58_1), ((200, 1, 3, 3), (200, )), ((9, 1, 3, 1), (1, )), 'input')
        cpp_fused_hardswish_16(buf55)
        # Topologically Sorted Source Nodes: [x_16, conv2d_28], Original ATen: [aten.hardswish, aten.convolution]
        buf56 = extern_kernels.convolution(buf55, arg57_1, arg58_1, stride=(1, 1), padding=(1, 1), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=200)
        assert_tensor_metadata(buf56, (8, 200, 14, 14), (39200, 1, 2800, 200), torch.float32, 'torch.ops.aten.convolution.default')
        del arg57_1
        del arg58_1
        del buf55
        buf57 = buf56; del buf56  # reuse
        assert_size_stride_grouped((arg59_1, arg60_1), ((80, 200, 1, 1), (80, )), ((200, 1, 200, 200), (1, )), 'input')
        cpp_fused_hardswish_16(buf57)
        # Topologically Sorted Source Nodes: [x_17, conv2d_29], Original ATen: [aten.hardswish, aten.convolution]
        buf58 = extern_kernels.convolution(buf57, arg59_1, arg60_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf58, (8, 80, 14, 14), (15680, 1, 1120, 80), torch.float32, 'torch.ops.aten.convolution.default')
        del arg59_1
        del arg60_1
        del buf57
        buf59 = buf58; del buf58  # reuse
        assert_size_stride_grouped((arg61_1, arg62_1), ((184, 80, 1, 1), (184, )), ((80, 1, 80, 80), (1, )), 'input')
        cpp_fused_add_17(buf59, buf53)
        del buf53
        # Topologically Sorted Source Nodes: [conv2d_30], Original ATen: [aten.convolution]
        buf60 = extern_kernels.convolution(buf59, arg61_1, arg62_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf60, (8, 184, 14, 14), (36064, 1, 2576, 184), torch.float32, 'torch.ops.aten.convolution.default')
        del arg61_1
        del arg62_1
        buf61 = buf60; del buf60  # reuse
        assert_size_stride_grouped((arg63_1, arg64_1), ((184, 1, 3, 3), (184, )), ((9, 1, 3, 1), (1, )), 'input')
        cpp_fused_hardswish_18(buf61)
        # Topologically Sorted Source Nodes: [x_18, conv2d_31], Original ATen: [aten.hardswish, aten.convolution]
        buf62 = extern_kernels.convolution(buf61, arg63_1, arg64_1, stride=(1, 1), padding=(1, 1), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=184)
        assert_tensor_metadata(buf62, (8, 184, 14, 14), (36064, 1, 2576, 184), torch.float32, 'torch.ops.aten.convolution.default')
        del arg63_1
        del arg64_1
        del buf61
        buf63 = buf62; del buf62  # reuse
        assert_size_stride_grouped((arg65_1, arg66_1), ((80, 184, 1, 1), (80, )), ((184, 1, 184, 184), (1, )), 'input')
        cpp_fused_hardswish_18(buf63)
        # Topologically Sorted Source Nodes: [x_19, conv2d_32], Original ATen: [aten.hardswish, aten.convolution]
        buf64 = extern_kernels.convolution(buf63, arg65_1, arg66_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf64, (8, 80, 14, 14), (15680, 1, 1120, 80), torch.float32, 'torch.ops.aten.convolution.default')
        del arg65_1
        del arg66_1
        del buf63
        buf65 = buf64; del buf64  # reuse
        assert_size_stride_grouped((arg67_1, arg68_1), ((184, 80, 1, 1), (184, )), ((80, 1, 80, 80), (1, )), 'input')
        cpp_fused_add_17(buf65, buf59)
        del buf59
        # Topologically Sorted Source Nodes: [conv2d_33], Original ATen: [aten.convolution]
        buf66 = extern_kernels.convolution(buf65, arg67_1, arg68_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf66, (8, 184, 14, 14), (36064, 1, 2576, 184), torch.float32, 'torch.ops.aten.convolution.default')
        del arg67_1
        del arg68_1
        buf67 = buf66; del buf66  # reuse
        assert_size_stride_grouped((arg69_1, arg70_1), ((184, 1, 3, 3), (184, )), ((9, 1, 3, 1), (1, )), 'input')
        cpp_fused_hardswish_18(buf67)
        # Topologically Sorted Source Nodes: [x_20, conv2d_34], Original ATen: [aten.hardswish, aten.convolution]
        buf68 = extern_kernels.convolution(buf67, arg69_1, arg70_1, stride=(1, 1), padding=(1, 1), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=184)
        assert_tensor_metadata(buf68, (8, 184, 14, 14), (36064, 1, 2576, 184), torch.float32, 'torch.ops.aten.convolution.default')
        del arg69_1
        del arg70_1
        del buf67
        buf69 = buf68; del buf68  # reuse
        assert_size_stride_grouped((arg71_1, arg72_1), ((80, 184, 1, 1), (80, )), ((184, 1, 184, 184), (1, )), 'input')
        cpp_fused_hardswish_18(buf69)
        # Topologically Sorted Source Nodes: [x_21, conv2d_35], Original ATen: [aten.hardswish, aten.convolution]
        buf70 = extern_kernels.convolution(buf69, arg71_1, arg72_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf70, (8, 80, 14, 14), (15680, 1, 1120, 80), torch.float32, 'torch.ops.aten.convolution.default')
        del arg71_1
        del arg72_1
        del buf69
        buf71 = buf70; del buf70  # reuse
        assert_size_stride_grouped((arg73_1, arg74_1), ((480, 80, 1, 1), (480, )), ((80, 1, 80, 80), (1, )), 'input')
        cpp_fused_add_17(buf71, buf65)
        del buf65
        # Topologically Sorted Source Nodes: [input_11, conv2d_36], Original ATen: [aten.add, aten.convolution]
        buf72 = extern_kernels.convolution(buf71, arg73_1, arg74_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf72, (8, 480, 14, 14), (94080, 1, 6720, 480), torch.float32, 'torch.ops.aten.convolution.default')
        del arg73_1
        del arg74_1
        del buf71
        buf73 = buf72; del buf72  # reuse
        assert_size_stride_grouped((arg75_1, arg76_1), ((480, 1, 3, 3), (480, )), ((9, 1, 3, 1), (1, )), 'input')
        cpp_fused_hardswish_19(buf73)
        # Topologically Sorted Source Nodes: [x_22, conv2d_37], Original ATen: [aten.hardswish, aten.convolution]
        buf74 = extern_kernels.convolution(buf73, arg75_1, arg76_1, stride=(1, 1), padding=(1, 1), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=480)
        assert_tensor_metadata(buf74, (8, 480, 14, 14), (94080, 1, 6720, 480), torch.float32, 'torch.ops.aten.convolution.default')
        del arg75_1
        del arg76_1
        del buf73
        buf75 = empty_strided_cpu((8, 480, 1, 1), (480, 1, 3840, 3840), torch.float32)
        buf76 = reinterpret_tensor(buf75, (8, 480, 1, 1), (480, 1, 1, 1), 0); del buf75  # reuse
        assert_size_stride_grouped((arg77_1, arg78_1), ((120, 480, 1, 1), (120, )), ((480, 1, 480, 480), (1, )), 'input')
        cpp_fused_hardswish_mean_20(buf76, buf74)
        # Topologically Sorted Source Nodes: [x_23, mean_3, conv2d_38], Original ATen: [aten.hardswish, aten.mean, aten.convolution]
        buf77 = extern_kernels.convolution(buf76, arg77_1, arg78_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf77, (8, 120, 1, 1), (120, 1, 120, 120), torch.float32, 'torch.ops.aten.convolution.default')
        del arg77_1
        del arg78_1
        del buf76
        buf78 = reinterpret_tensor(buf77, (8, 120, 1, 1), (120, 1, 1, 1), 0); del buf77  # reuse
        assert_size_stride_grouped((arg79_1, arg80_1), ((480, 120, 1, 1), (480, )), ((120, 1, 120, 120), (1, )), 'input')
        cpp_fused_relu_21(buf78)
        # Topologically Sorted Source Nodes: [relu_14, conv2d_39], Original ATen: [aten.relu, aten.convolution]
        buf79 = extern_kernels.convolution(buf78, arg79_1, arg80_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf79, (8, 480, 1, 1), (480, 1, 480, 480), torch.float32, 'torch.ops.aten.convolution.default')
        del arg79_1
        del arg80_1
        del buf78
        buf80 = buf74; del buf74  # reuse
        assert_size_stride_grouped((arg81_1, arg82_1), ((112, 480, 1, 1), (112, )), ((480, 1, 480, 480), (1, )), 'input')
        cpp_fused_hardsigmoid_hardswish_mul_22(buf80, buf79)
        del buf79
        # Topologically Sorted Source Nodes: [x_23, s_3, x_24, input_12], Original ATen: [aten.hardswish, aten.hardsigmoid, aten.mul, aten.convolution]
        buf81 = extern_kernels.convolution(buf80, arg81_1, arg82_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf81, (8, 112, 14, 14), (21952, 1, 1568, 112), torch.float32, 'torch.ops.aten.convolution.default')
        del arg81_1
        del arg82_1
        del buf80
        assert_size_stride_grouped((arg83_1, arg84_1), ((672, 112, 1, 1), (672, )), ((112, 1, 112, 112), (1, )), 'input')
        # Topologically Sorted Source Nodes: [conv2d_41], Original ATen: [aten.convolution]
        buf82 = extern_kernels.convolution(buf81, arg83_1, arg84_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf82, (8, 672, 14, 14), (131712, 1, 9408, 672), torch.float32, 'torch.ops.aten.convolution.default')
        del arg83_1
        del arg84_1
        buf83 = buf82; del buf82  # reuse
        assert_size_stride_grouped((arg85_1, arg86_1), ((672, 1, 3, 3), (672, )), ((9, 1, 3, 1), (1, )), 'input')
        cpp_fused_hardswish_23(buf83)
        # Topologically Sorted Source Nodes: [x_25, conv2d_42], Original ATen: [aten.hardswish, aten.convolution]
        buf84 = extern_kernels.convolution(buf83, arg85_1, arg86_1, stride=(1, 1), padding=(1, 1), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=672)
        assert_tensor_metadata(buf84, (8, 672, 14, 14), (131712, 1, 9408, 672), torch.float32, 'torch.ops.aten.convolution.default')
        del arg85_1
        del arg86_1
        del buf83
        buf85 = empty_strided_cpu((8, 672, 1, 1), (672, 1, 5376, 5376), torch.float32)
        buf86 = reinterpret_tensor(buf85, (8, 672, 1, 1), (672, 1, 1, 1), 0); del buf85  # reuse
        assert_size_stride_grouped((arg87_1, arg88_1), ((168, 672, 1, 1), (168, )), ((672, 1, 672, 672), (1, )), 'input')
        cpp_fused_hardswish_mean_24(buf86, buf84)
        # Topologically Sorted Source Nodes: [x_26, mean_4, conv2d_43], Original ATen: [aten.hardswish, aten.mean, aten.convolution]
        buf87 = extern_kernels.convolution(buf86, arg87_1, arg88_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf87, (8, 168, 1, 1), (168, 1, 168, 168), torch.float32, 'torch.ops.aten.convolution.default')
        del arg87_1
        del arg88_1
        del buf86
        buf88 = reinterpret_tensor(buf87, (8, 168, 1, 1), (168, 1, 1, 1), 0); del buf87  # reuse
        assert_size_stride_grouped((arg89_1, arg90_1), ((672, 168, 1, 1), (672, )), ((168, 1, 168, 168), (1, )), 'input')
        cpp_fused_relu_25(buf88)
        # Topologically Sorted Source Nodes: [relu_15, conv2d_44], Original ATen: [aten.relu, aten.convolution]
        buf89 = extern_kernels.convolution(buf88, arg89_1, arg90_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf89, (8, 672, 1, 1), (672, 1, 672, 672), torch.float32, 'torch.ops.aten.convolution.default')
        del arg89_1
        del arg90_1
        del buf88
        buf90 = buf84; del buf84  # reuse
        assert_size_stride_grouped((arg91_1, arg92_1), ((112, 672, 1, 1), (112, )), ((672, 1, 672, 672), (1, )), 'input')
        cpp_fused_hardsigmoid_hardswish_mul_26(buf90, buf89)
        # Topologically Sorted Source Nodes: [x_26, s_4, x_27, conv2d_45], Original ATen: [aten.hardswish, aten.hardsigmoid, aten.mul, aten.convolution]
        buf91 = extern_kernels.convolution(buf90, arg91_1, arg92_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf91, (8, 112, 14, 14), (21952, 1, 1568, 112), torch.float32, 'torch.ops.aten.convolution.default')
        del arg91_1
        del arg92_1
        del buf90
        buf92 = buf91; del buf91  # reuse
        assert_size_stride_grouped((arg93_1, arg94_1), ((672, 112, 1, 1), (672, )), ((112, 1, 112, 112), (1, )), 'input')
        cpp_fused_add_27(buf92, buf81)
        del buf81
        # Topologically Sorted Source Nodes: [input_13, conv2d_46], Original ATen: [aten.add, aten.convolution]
        buf93 = extern_kernels.convolution(buf92, arg93_1, arg94_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf93, (8, 672, 14, 14), (131712, 1, 9408, 672), torch.float32, 'torch.ops.aten.convolution.default')
        del arg93_1
        del arg94_1
        del buf92
        buf94 = buf93; del buf93  # reuse
        assert_size_stride_grouped((arg95_1, arg96_1), ((672, 1, 5, 5), (672, )), ((25, 1, 5, 1), (1, )), 'input')
        cpp_fused_hardswish_23(buf94)
        # Topologically Sorted Source Nodes: [x_28, conv2d_47], Original ATen: [aten.hardswish, aten.convolution]
        buf95 = extern_kernels.convolution(buf94, arg95_1, arg96_1, stride=(2, 2), padding=(2, 2), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=672)
        assert_tensor_metadata(buf95, (8, 672, 7, 7), (32928, 1, 4704, 672), torch.float32, 'torch.ops.aten.convolution.default')
        del arg95_1
        del arg96_1
        del buf94
        buf96 = reinterpret_tensor(buf89, (8, 672, 1, 1), (672, 1, 5376, 5376), 0); del buf89  # reuse
        buf97 = reinterpret_tensor(buf96, (8, 672, 1, 1), (672, 1, 1, 1), 0); del buf96  # reuse
        assert_size_stride_grouped((arg97_1, arg98_1), ((168, 672, 1, 1), (168, )), ((672, 1, 672, 672), (1, )), 'input')
        cpp_fused_hardswish_mean_28(buf97, buf95)
        # Topologically Sorted Source Nodes: [x_29, mean_5, conv2d_48], Original ATen: [aten.hardswish, aten.mean, aten.convolution]
        buf98 = extern_kernels.convolution(buf97, arg97_1, arg98_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf98, (8, 168, 1, 1), (168, 1, 168, 168), torch.float32, 'torch.ops.aten.convolution.default')
        del arg97_1
        del arg98_1
        del buf97
        buf99 = reinterpret_tensor(buf98, (8, 168, 1, 1), (168, 1, 1, 1), 0); del buf98  # reuse
        assert_size_stride_grouped((arg99_1, arg100_1), ((672, 168, 1, 1), (672, )), ((168, 1, 168, 168), (1, )), 'input')
        cpp_fused_relu_25(buf99)
        # Topologically Sorted Source Nodes: [relu_16, conv2d_49], Original ATen: [aten.relu, aten.convolution]
        buf100 = extern_kernels.convolution(buf99, arg99_1, arg100_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf100, (8, 672, 1, 1), (672, 1, 672, 672), torch.float32, 'torch.ops.aten.convolution.default')
        del arg100_1
        del arg99_1
        del buf99
        buf101 = buf95; del buf95  # reuse
        assert_size_stride_grouped((arg101_1, arg102_1), ((160, 672, 1, 1), (160, )), ((672, 1, 672, 672), (1, )), 'input')
        cpp_fused_hardsigmoid_hardswish_mul_29(buf101, buf100)
        del buf100
        # Topologically Sorted Source Nodes: [x_29, s_5, x_30, input_14], Original ATen: [aten.hardswish, aten.hardsigmoid, aten.mul, aten.convolution]
        buf102 = extern_kernels.convolution(buf101, arg101_1, arg102_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf102, (8, 160, 7, 7), (7840, 1, 1120, 160), torch.float32, 'torch.ops.aten.convolution.default')
        del arg101_1
        del arg102_1
        del buf101
        assert_size_stride_grouped((arg103_1, arg104_1), ((960, 160, 1, 1), (960, )), ((160, 1, 160, 160), (1, )), 'input')
        # Topologically Sorted Source Nodes: [conv2d_51], Original ATen: [aten.convolution]
        buf103 = extern_kernels.convolution(buf102, arg103_1, arg104_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf103, (8, 960, 7, 7), (47040, 1, 6720, 960), torch.float32, 'torch.ops.aten.convolution.default')
        del arg103_1
        del arg104_1
        buf104 = buf103; del buf103  # reuse
        assert_size_stride_grouped((arg105_1, arg106_1), ((960, 1, 5, 5), (960, )), ((25, 1, 5, 1), (1, )), 'input')
        cpp_fused_hardswish_15(buf104)
        # Topologically Sorted Source Nodes: [x_31, conv2d_52], Original ATen: [aten.hardswish, aten.convolution]
        buf105 = extern_kernels.convolution(buf104, arg105_1, arg106_1, stride=(1, 1), padding=(2, 2), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=960)
        assert_tensor_metadata(buf105, (8, 960, 7, 7), (47040, 1, 6720, 960), torch.float32, 'torch.ops.aten.convolution.default')
        del arg105_1
        del arg106_1
        del buf104
        buf106 = empty_strided_cpu((8, 960, 1, 1), (960, 1, 7680, 7680), torch.float32)
        buf107 = reinterpret_tensor(buf106, (8, 960, 1, 1), (960, 1, 1, 1), 0); del buf106  # reuse
        assert_size_stride_grouped((arg107_1, arg108_1), ((240, 960, 1, 1), (240, )), ((960, 1, 960, 960), (1, )), 'input')
        cpp_fused_hardswish_mean_30(buf107, buf105)
        # Topologically Sorted Source Nodes: [x_32, mean_6, conv2d_53], Original ATen: [aten.hardswish, aten.mean, aten.convolution]
        buf108 = extern_kernels.convolution(buf107, arg107_1, arg108_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf108, (8, 240, 1, 1), (240, 1, 240, 240), torch.float32, 'torch.ops.aten.convolution.default')
        del arg107_1
        del arg108_1
        del buf107
        buf109 = reinterpret_tensor(buf108, (8, 240, 1, 1), (240, 1, 1, 1), 0); del buf108  # reuse
        assert_size_stride_grouped((arg109_1, arg110_1), ((960, 240, 1, 1), (960, )), ((240, 1, 240, 240), (1, )), 'input')
        cpp_fused_relu_31(buf109)
        # Topologically Sorted Source Nodes: [relu_17, conv2d_54], Original ATen: [aten.relu, aten.convolution]
        buf110 = extern_kernels.convolution(buf109, arg109_1, arg110_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf110, (8, 960, 1, 1), (960, 1, 960, 960), torch.float32, 'torch.ops.aten.convolution.default')
        del arg109_1
        del arg110_1
        del buf109
        buf111 = buf105; del buf105  # reuse
        assert_size_stride_grouped((arg111_1, arg112_1), ((160, 960, 1, 1), (160, )), ((960, 1, 960, 960), (1, )), 'input')
        cpp_fused_hardsigmoid_hardswish_mul_32(buf111, buf110)
        # Topologically Sorted Source Nodes: [x_32, s_6, x_33, conv2d_55], Original ATen: [aten.hardswish, aten.hardsigmoid, aten.mul, aten.convolution]
        buf112 = extern_kernels.convolution(buf111, arg111_1, arg112_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf112, (8, 160, 7, 7), (7840, 1, 1120, 160), torch.float32, 'torch.ops.aten.convolution.default')
        del arg111_1
        del arg112_1
        del buf111
        buf113 = buf112; del buf112  # reuse
        assert_size_stride_grouped((arg113_1, arg114_1), ((960, 160, 1, 1), (960, )), ((160, 1, 160, 160), (1, )), 'input')
        cpp_fused_add_33(buf113, buf102)
        del buf102
        # Topologically Sorted Source Nodes: [conv2d_56], Original ATen: [aten.convolution]
        buf114 = extern_kernels.convolution(buf113, arg113_1, arg114_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf114, (8, 960, 7, 7), (47040, 1, 6720, 960), torch.float32, 'torch.ops.aten.convolution.default')
        del arg113_1
        del arg114_1
        buf115 = buf114; del buf114  # reuse
        assert_size_stride_grouped((arg115_1, arg116_1), ((960, 1, 5, 5), (960, )), ((25, 1, 5, 1), (1, )), 'input')
        cpp_fused_hardswish_15(buf115)
        # Topologically Sorted Source Nodes: [x_34, conv2d_57], Original ATen: [aten.hardswish, aten.convolution]
        buf116 = extern_kernels.convolution(buf115, arg115_1, arg116_1, stride=(1, 1), padding=(2, 2), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=960)
        assert_tensor_metadata(buf116, (8, 960, 7, 7), (47040, 1, 6720, 960), torch.float32, 'torch.ops.aten.convolution.default')
        del arg115_1
        del arg116_1
        del buf115
        buf117 = reinterpret_tensor(buf110, (8, 960, 1, 1), (960, 1, 7680, 7680), 0); del buf110  # reuse
        buf118 = reinterpret_tensor(buf117, (8, 960, 1, 1), (960, 1, 1, 1), 0); del buf117  # reuse
        assert_size_stride_grouped((arg117_1, arg118_1), ((240, 960, 1, 1), (240, )), ((960, 1, 960, 960), (1, )), 'input')
        cpp_fused_hardswish_mean_30(buf118, buf116)
        # Topologically Sorted Source Nodes: [x_35, mean_7, conv2d_58], Original ATen: [aten.hardswish, aten.mean, aten.convolution]
        buf119 = extern_kernels.convolution(buf118, arg117_1, arg118_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf119, (8, 240, 1, 1), (240, 1, 240, 240), torch.float32, 'torch.ops.aten.convolution.default')
        del arg117_1
        del arg118_1
        del buf118
        buf120 = reinterpret_tensor(buf119, (8, 240, 1, 1), (240, 1, 1, 1), 0); del buf119  # reuse
        assert_size_stride_grouped((arg119_1, arg120_1), ((960, 240, 1, 1), (960, )), ((240, 1, 240, 240), (1, )), 'input')
        cpp_fused_relu_31(buf120)
        # Topologically Sorted Source Nodes: [relu_18, conv2d_59], Original ATen: [aten.relu, aten.convolution]
        buf121 = extern_kernels.convolution(buf120, arg119_1, arg120_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf121, (8, 960, 1, 1), (960, 1, 960, 960), torch.float32, 'torch.ops.aten.convolution.default')
        del arg119_1
        del arg120_1
        del buf120
        buf122 = buf116; del buf116  # reuse
        assert_size_stride_grouped((arg121_1, arg122_1), ((160, 960, 1, 1), (160, )), ((960, 1, 960, 960), (1, )), 'input')
        cpp_fused_hardsigmoid_hardswish_mul_32(buf122, buf121)
        # Topologically Sorted Source Nodes: [x_35, s_7, x_36, conv2d_60], Original ATen: [aten.hardswish, aten.hardsigmoid, aten.mul, aten.convolution]
        buf123 = extern_kernels.convolution(buf122, arg121_1, arg122_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf123, (8, 160, 7, 7), (7840, 1, 1120, 160), torch.float32, 'torch.ops.aten.convolution.default')
        del arg121_1
        del arg122_1
        del buf122
        buf124 = buf123; del buf123  # reuse
        assert_size_stride_grouped((arg123_1, arg124_1), ((960, 160, 1, 1), (960, )), ((160, 1, 160, 160), (1, )), 'input')
        cpp_fused_add_33(buf124, buf113)
        del buf113
        # Topologically Sorted Source Nodes: [input_16, conv2d_61], Original ATen: [aten.add, aten.convolution]
        buf125 = extern_kernels.convolution(buf124, arg123_1, arg124_1, stride=(1, 1), padding=(0, 0), dilation=(1, 1), transposed=False, output_padding=(0, 0), groups=1)
        assert_tensor_metadata(buf125, (8, 960, 7, 7), (47040, 1, 6720, 960), torch.float32, 'torch.ops.aten.convolution.default')
        del arg123_1
        del arg124_1
        del buf124
        buf126 = reinterpret_tensor(buf121, (8, 960), (960, 1), 0); del buf121  # reuse
        buf127 = buf126; del buf126  # reuse
        assert_size_stride_grouped((arg126_1, arg125_1), ((1280, ), (1280, 960)), ((1, ), (960, 1)), 'input')
        cpp_fused_hardswish_mean_30(buf127, buf125)
        del buf125
        buf128 = empty_strided_cpu((8, 1280), (1280, 1), torch.float32)
        # Topologically Sorted Source Nodes: [hardswish_19, x_37, input_17], Original ATen: [aten.hardswish, aten.mean, aten.t, aten.addmm]
        extern_kernels.addmm(arg126_1, buf127, reinterpret_tensor(arg125_1, (960, 1280), (1, 960), 0), alpha=1, beta=1, out=buf128)
        del arg125_1
        del arg126_1
        del buf127
        buf129 = buf128; del buf128  # reuse
        assert_size_stride_grouped((arg128_1, arg127_1), ((1000, ), (1000, 1280)), ((1, ), (1280, 1)), 'input')
        cpp_fused_hardswish_34(buf129)
        buf130 = empty_strided_cpu((8, 1000), (1000, 1), torch.float32)
        # Topologically Sorted Source Nodes: [input_18, linear_1], Original ATen: [aten.hardswish, aten.t, aten.addmm]
        extern_kernels.addmm(arg128_1, buf129, reinterpret_tensor(arg127_1, (1280, 1000), (1, 1280), 0), alpha=1, beta=1, out=buf130)
        del arg127_1
        del arg128_1
        return (buf130, )

runner = Runner(partitions=[])
call = runner.call
recursively_apply_fns = runner.recursively_apply_fns


def get_args():
    from torch._dynamo.testing import rand_strided
    arg0_1 = rand_strided((8, 3, 224, 224), (150528, 1, 672, 3), device='cpu', dtype=torch.float32)
    arg1_1 = rand_strided((16, 3, 3, 3), (27, 1, 9, 3), device='cpu', dtype=torch.float32)
    arg2_1 = rand_strided((16, ), (1, ), device='cpu', dtype=torch.float32)
    arg3_1 = rand_strided((16, 1, 3, 3), (9, 1, 3, 1), device='cpu', dtype=torch.float32)
    arg4_1 = rand_strided((16, ), (1, ), device='cpu', dtype=torch.float32)
    arg5_1 = rand_strided((16, 16, 1, 1), (16, 1, 16, 16), device='cpu', dtype=torch.float32)
    arg6_1 = rand_strided((16, ), (1, ), device='cpu', dtype=torch.float32)
    arg7_1 = rand_strided((64, 16, 1, 1), (16, 1, 16, 16), device='cpu', dtype=torch.float32)
    arg8_1 = rand_strided((64, ), (1, ), device='cpu', dtype=torch.float32)
    arg9_1 = rand_strided((64, 1, 3, 3), (9, 1, 3, 1), device='cpu', dtype=torch.float32)
    arg10_1 = rand_strided((64, ), (1, ), device='cpu', dtype=torch.float32)
    arg11_1 = rand_strided((24, 64, 1, 1), (64, 1, 64, 64), device='cpu', dtype=torch.float32)
    arg12_1 = rand_strided((24, ), (1, ), device='cpu', dtype=torch.float32)
    arg13_1 = rand_strided((72, 24, 1, 1), (24, 1, 24, 24), device='cpu', dtype=torch.float32)
    arg14_1 = rand_strided((72, ), (1, ), device='cpu', dtype=torch.float32)
    arg15_1 = rand_strided((72, 1, 3, 3), (9, 1, 3, 1), device='cpu', dtype=torch.float32)
    arg16_1 = rand_strided((72, ), (1, ), device='cpu', dtype=torch.float32)
    arg17_1 = rand_strided((24, 72, 1, 1), (72, 1, 72, 72), device='cpu', dtype=torch.float32)
    arg18_1 = rand_strided((24, ), (1, ), device='cpu', dtype=torch.float32)
    arg19_1 = rand_strided((72, 24, 1, 1), (24, 1, 24, 24), device='cpu', dtype=torch.float32)
    arg20_1 = rand_strided((72, ), (1, ), device='cpu', dtype=torch.float32)
    arg21_1 = rand_strided((72, 1, 5, 5), (25, 1, 5, 1), device='cpu', dtype=torch.float32)
    arg22_1 = rand_strided((72, ), (1, ), device='cpu', dtype=torch.float32)
    arg23_1 = rand_strided((24, 72, 1, 1), (72, 1, 72, 72), device='cpu', dtype=torch.float32)
    arg24_1 = rand_strided((24, ), (1, ), device='cpu', dtype=torch.float32)
    arg25_1 = rand_strided((72, 24, 1, 1), (24, 1, 24, 24), device='cpu', dtype=torch.float32)
    arg26_1 = rand_strided((72, ), (1, ), device='cpu', dtype=torch.float32)
    arg27_1 = rand_strided((40, 72, 1, 1), (72, 1, 72, 72), device='cpu', dtype=torch.float32)
    arg28_1 = rand_strided((40, ), (1, ), device='cpu', dtype=torch.float32)
    arg29_1 = rand_strided((120, 40, 1, 1), (40, 1, 40, 40), device='cpu', dtype=torch.float32)
    arg30_1 = rand_strided((120, ), (1, ), device='cpu', dtype=torch.float32)
    arg31_1 = rand_strided((120, 1, 5, 5), (25, 1, 5, 1), device='cpu', dtype=torch.float32)
    arg32_1 = rand_strided((120, ), (1, ), device='cpu', dtype=torch.float32)
    arg33_1 = rand_strided((32, 120, 1, 1), (120, 1, 120, 120), device='cpu', dtype=torch.float32)
    arg34_1 = rand_strided((32, ), (1, ), device='cpu', dtype=torch.float32)
    arg35_1 = rand_strided((120, 32, 1, 1), (32, 1, 32, 32), device='cpu', dtype=torch.float32)
    arg36_1 = rand_strided((120, ), (1, ), device='cpu', dtype=torch.float32)
    arg37_1 = rand_strided((40, 120, 1, 1), (120, 1, 120, 120), device='cpu', dtype=torch.float32)
    arg38_1 = rand_strided((40, ), (1, ), device='cpu', dtype=torch.float32)
    arg39_1 = rand_strided((120, 40, 1, 1), (40, 1, 40, 40), device='cpu', dtype=torch.float32)
    arg40_1 = rand_strided((120, ), (1, ), device='cpu', dtype=torch.float32)
    arg41_1 = rand_strided((120, 1, 5, 5), (25, 1, 5, 1), device='cpu', dtype=torch.float32)
    arg42_1 = rand_strided((120, ), (1, ), device='cpu', dtype=torch.float32)
    arg43_1 = rand_strided((32, 120, 1, 1), (120, 1, 120, 120), device='cpu', dtype=torch.float32)
    arg44_1 = rand_strided((32, ), (1, ), device='cpu', dtype=torch.float32)
    arg45_1 = rand_strided((120, 32, 1, 1), (32, 1, 32, 32), device='cpu', dtype=torch.float32)
    arg46_1 = rand_strided((120, ), (1, ), device='cpu', dtype=torch.float32)
    arg47_1 = rand_strided((40, 120, 1, 1), (120, 1, 120, 120), device='cpu', dtype=torch.float32)
    arg48_1 = rand_strided((40, ), (1, ), device='cpu', dtype=torch.float32)
    arg49_1 = rand_strided((240, 40, 1, 1), (40, 1, 40, 40), device='cpu', dtype=torch.float32)
    arg50_1 = rand_strided((240, ), (1, ), device='cpu', dtype=torch.float32)
    arg51_1 = rand_strided((240, 1, 3, 3), (9, 1, 3, 1), device='cpu', dtype=torch.float32)
    arg52_1 = rand_strided((240, ), (1, ), device='cpu', dtype=torch.float32)
    arg53_1 = rand_strided((80, 240, 1, 1), (240, 1, 240, 240), device='cpu', dtype=torch.float32)
    arg54_1 = rand_strided((80, ), (1, ), device='cpu', dtype=torch.float32)
    arg55_1 = rand_strided((200, 80, 1, 1), (80, 1, 80, 80), device='cpu', dtype=torch.float32)
    arg56_1 = rand_strided((200, ), (1, ), device='cpu', dtype=torch.float32)
    arg57_1 = rand_strided((200, 1, 3, 3), (9, 1, 3, 1), device='cpu', dtype=torch.float32)
    arg58_1 = rand_strided((200, ), (1, ), device='cpu', dtype=torch.float32)
    arg59_1 = rand_strided((80, 200, 1, 1), (200, 1, 200, 200), device='cpu', dtype=torch.float32)
    arg60_1 = rand_strided((80, ), (1, ), device='cpu', dtype=torch.float32)
    arg61_1 = rand_strided((184, 80, 1, 1), (80, 1, 80, 80), device='cpu', dtype=torch.float32)
    arg62_1 = rand_strided((184, ), (1, ), device='cpu', dtype=torch.float32)
    arg63_1 = rand_strided((184, 1, 3, 3), (9, 1, 3, 1), device='cpu', dtype=torch.float32)
    arg64_1 = rand_strided((184, ), (1, ), device='cpu', dtype=torch.float32)
    arg65_1 = rand_strided((80, 184, 1, 1), (184, 1, 184, 184), device='cpu', dtype=torch.float32)
    arg66_1 = rand_strided((80, ), (1, ), device='cpu', dtype=torch.float32)
    arg67_1 = rand_strided((184, 80, 1, 1), (80, 1, 80, 80), device='cpu', dtype=torch.float32)
    arg68_1 = rand_strided((184, ), (1, ), device='cpu', dtype=torch.float32)
    arg69_1 = rand_strided((184, 1, 3, 3), (9, 1, 3, 1), device='cpu', dtype=torch.float32)
    arg70_1 = rand_strided((184, ), (1, ), device='cpu', dtype=torch.float32)
    arg71_1 = rand_strided((80, 184, 1, 1), (184, 1, 184, 184), device='cpu', dtype=torch.float32)
    arg72_1 = rand_strided((80, ), (1, ), device='cpu', dtype=torch.float32)
    arg73_1 = rand_strided((480, 80, 1, 1), (80, 1, 80, 80), device='cpu', dtype=torch.float32)
    arg74_1 = rand_strided((480, ), (1, ), device='cpu', dtype=torch.float32)
    arg75_1 = rand_strided((480, 1, 3, 3), (9, 1, 3, 1), device='cpu', dtype=torch.float32)
    arg76_1 = rand_strided((480, ), (1, ), device='cpu', dtype=torch.float32)
    arg77_1 = rand_strided((120, 480, 1, 1), (480, 1, 480, 480), device='cpu', dtype=torch.float32)
    arg78_1 = rand_strided((120, ), (1, ), device='cpu', dtype=torch.float32)
    arg79_1 = rand_strided((480, 120, 1, 1), (120, 1, 120, 120), device='cpu', dtype=torch.float32)
    arg80_1 = rand_strided((480, ), (1, ), device='cpu', dtype=torch.float32)
    arg81_1 = rand_strided((112, 480, 1, 1), (480, 1, 480, 480), device='cpu', dtype=torch.float32)
    arg82_1 = rand_strided((112, ), (1, ), device='cpu', dtype=torch.float32)
    arg83_1 = rand_strided((672, 112, 1, 1), (112, 1, 112, 112), device='cpu', dtype=torch.float32)
    arg84_1 = rand_strided((672, ), (1, ), device='cpu', dtype=torch.float32)
    arg85_1 = rand_strided((672, 1, 3, 3), (9, 1, 3, 1), device='cpu', dtype=torch.float32)
    arg86_1 = rand_strided((672, ), (1, ), device='cpu', dtype=torch.float32)
    arg87_1 = rand_strided((168, 672, 1, 1), (672, 1, 672, 672), device='cpu', dtype=torch.float32)
    arg88_1 = rand_strided((168, ), (1, ), device='cpu', dtype=torch.float32)
    arg89_1 = rand_strided((672, 168, 1, 1), (168, 1, 168, 168), device='cpu', dtype=torch.float32)
    arg90_1 = rand_strided((672, ), (1, ), device='cpu', dtype=torch.float32)
    arg91_1 = rand_strided((112, 672, 1, 1), (672, 1, 672, 672), device='cpu', dtype=torch.float32)
    arg92_1 = rand_strided((112, ), (1, ), device='cpu', dtype=torch.float32)
    arg93_1 = rand_strided((672, 112, 1, 1), (112, 1, 112, 112), device='cpu', dtype=torch.float32)
    arg94_1 = rand_strided((672, ), (1, ), device='cpu', dtype=torch.float32)
    arg95_1 = rand_strided((672, 1, 5, 5), (25, 1, 5, 1), device='cpu', dtype=torch.float32)
    arg96_1 = rand_strided((672, ), (1, ), device='cpu', dtype=torch.float32)
    arg97_1 = rand_strided((168, 672, 1, 1), (672, 1, 672, 672), device='cpu', dtype=torch.float32)
    arg98_1 = rand_strided((168, ), (1, ), device='cpu', dtype=torch.float32)
    arg99_1 = rand_strided((672, 168, 1, 1), (168, 1, 168, 168), device='cpu', dtype=torch.float32)
    arg100_1 = rand_strided((672, ), (1, ), device='cpu', dtype=torch.float32)
    arg101_1 = rand_strided((160, 672, 1, 1), (672, 1, 672, 672), device='cpu', dtype=torch.float32)
    arg102_1 = rand_strided((160, ), (1, ), device='cpu', dtype=torch.float32)
    arg103_1 = rand_strided((960, 160, 1, 1), (160, 1, 160, 160), device='cpu', dtype=torch.float32)
    arg104_1 = rand_strided((960, ), (1, ), device='cpu', dtype=torch.float32)
    arg105_1 = rand_strided((960, 1, 5, 5), (25, 1, 5, 1), device='cpu', dtype=torch.float32)
    arg106_1 = rand_strided((960, ), (1, ), device='cpu', dtype=torch.float32)
    arg107_1 = rand_strided((240, 960, 1, 1), (960, 1, 960, 960), device='cpu', dtype=torch.float32)
    arg108_1 = rand_strided((240, ), (1, ), device='cpu', dtype=torch.float32)
    arg109_1 = rand_strided((960, 240, 1, 1), (240, 1, 240, 240), device='cpu', dtype=torch.float32)
    arg110_1 = rand_strided((960, ), (1, ), device='cpu', dtype=torch.float32)
    arg111_1 = rand_strided((160, 960, 1, 1), (960, 1, 960, 960), device='cpu', dtype=torch.float32)
    arg112_1 = rand_strided((160, ), (1, ), device='cpu', dtype=torch.float32)
    arg113_1 = rand_strided((960, 160, 1, 1), (160, 1, 160, 160), device='cpu', dtype=torch.float32)
    arg114_1 = rand_strided((960, ), (1, ), device='cpu', dtype=torch.float32)
    arg115_1 = rand_strided((960, 1, 5, 5), (25, 1, 5, 1), device='cpu', dtype=torch.float32)
    arg116_1 = rand_strided((960, ), (1, ), device='cpu', dtype=torch.float32)
    arg117_1 = rand_strided((240, 960, 1, 1), (960, 1, 960, 960), device='cpu', dtype=torch.float32)
    arg118_1 = rand_strided((240, ), (1, ), device='cpu', dtype=torch.float32)
    arg119_1 = rand_strided((960, 240, 1, 1), (240, 1, 240, 240), device='cpu', dtype=torch.float32)
    arg120_1 = rand_strided((960, ), (1, ), device='cpu', dtype=torch.float32)
    arg121_1 = rand_strided((160, 960, 1, 1), (960, 1, 960, 960), device='cpu', dtype=torch.float32)
    arg122_1 = rand_strided((160, ), (1, ), device='cpu', dtype=torch.float32)
    arg123_1 = rand_strided((960, 160, 1, 1), (160, 1, 160, 160), device='cpu', dtype=torch.float32)
    arg124_1 = rand_strided((960, ), (1, ), device='cpu', dtype=torch.float32)
    arg125_1 = rand_strided((1280, 960), (960, 1), device='cpu', dtype=torch.float32)
    arg126_1 = rand_strided((1280, ), (1, ), device='cpu', dtype=torch.float32)
    arg127_1 = rand_strided((1000, 1280), (1280, 1), device='cpu', dtype=torch.float32)
    arg128_1 = rand_strided((1000, ), (1, ), device='cpu', dtype=torch.float32)
    return [arg0_1, arg1_1, arg2_1, arg3_1, arg4_1, arg5_1, arg6_1, arg7_1, arg8_1, arg9_1, arg10_1, arg11_1, arg12_1, arg13_1, arg14_1, arg15_1, arg16_1, arg17_1, arg18_1, arg19_1, arg20_1, arg21_1, arg22_1, arg23_1, arg24_1, arg25_1, arg26_1, arg27_1, arg28_1, arg29_1, arg30_1, arg31_1, arg32_1, arg33_1, arg34_1, arg35_1, arg36_1, arg37_1, arg38_1, arg39_1, arg40_1, arg41_1, arg42_1, arg43_1, arg44_1, arg45_1, arg46_1, arg47_1, arg48_1, arg49_1, arg50_1, arg51_1, arg52_1, arg53_1, arg54_1, arg55_1, arg56_1, arg57_1, arg58_1, arg59_1, arg60_1, arg61_1, arg62_1, arg63_1, arg64_1, arg65_1, arg66_1, arg67_1, arg68_1, arg69_1, arg70_1, arg71_1, arg72_1, arg73_1, arg74_1, arg75_1, arg76_1, arg77_1, arg78_1, arg79_1, arg80_1, arg81_1, arg82_1, arg83_1, arg84_1, arg85_1, arg86_1, arg87_1, arg88_1, arg89_1, arg90_1, arg91_1, arg92_1, arg93_1, arg94_1, arg95_1, arg96_1, arg97_1, arg98_1, arg99_1, arg100_1, arg101_1, arg102_1, arg103_1, arg104_1, arg105_1, arg106_1, arg107_1, arg108_1, arg109_1, arg110_1, arg111_1, arg112_1, arg113_1, arg114_1, arg115_1, arg116_1, arg117_1, arg118_1, arg119_1, arg120_1, arg121_1, arg122_1, arg123_1, arg124_1, arg125_1, arg126_1, arg127_1, arg128_1]


def benchmark_compiled_module(args, times=10, repeat=10):
    from torch._inductor.utils import print_performance
    fn = lambda: call(list(args))
    return print_performance(fn, times=times, repeat=repeat, device='cpu')


if __name__ == "__main__":
    from torch._inductor.wrapper_benchmark import compiled_module_main
    args = get_args()
    compiled_module_main('None', lambda times, repeat: benchmark_compiled_module(args, times=times, repeat=repeat))
