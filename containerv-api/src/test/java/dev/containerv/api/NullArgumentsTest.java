package dev.containerv.api;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.lang.ProcessBuilder.Redirect;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every public builder method and factory of the specs, given {@code null} for any one of its reference arguments (or
 * inside an array argument), fails with INVALID_SPEC naming the field and the null value, never with a bare
 * NullPointerException: the README promises that every failure is a {@link ContainerException}. The methods are found
 * by reflection, so a new setter is covered without a new test.
 */
class NullArgumentsTest {
    /** Where the methods live, and a fresh receiver for instance methods (null for static ones). */
    private static final Map<Class<?>, Supplier<Object>> OWNERS = Map.of(
            ContainerSpec.Builder.class, ContainerSpec::builder,
            ProcessSpec.Builder.class, () -> ProcessSpec.builder("/bin/true"),
            NetworkSpec.Builder.class, NetworkSpec::builder,
            ResourceLimits.Builder.class, ResourceLimits::builder,
            SecurityPolicy.Builder.class, () -> SecurityPolicy.builder(PolicyProfile.BUILD),
            ProcessDefaults.Builder.class, ProcessDefaults::builder,
            ProcessDefaults.class, ProcessDefaults::none,
            ProcessSpec.class, () -> null,
            Layer.class, () -> null,
            SecurityPolicy.class, () -> null);

    /** A valid value per parameter type, so that the null is the only thing wrong with a call. */
    private static Object sample(Class<?> type) {
        if (type == String.class) {
            return "/a";
        }
        if (type == Path.class) {
            return Path.of("/tmp");
        }
        if (type == Access.class) {
            return Access.READ_ONLY;
        }
        if (type == Capability.class) {
            return Capability.FILESYSTEM;
        }
        if (type == Redirect.class) {
            return Redirect.PIPE;
        }
        if (type == PolicyProfile.class) {
            return PolicyProfile.BUILD;
        }
        if (type == Duration.class) {
            return Duration.ofSeconds(1);
        }
        if (type == List.class) {
            return List.of();
        }
        if (type == Set.class) {
            return Set.of();
        }
        if (type == Map.class) {
            return Map.of();
        }
        if (type == IdMapping.class) {
            return new IdMapping(0, 100000, 1);
        }
        if (type.isArray()) {
            return Array.newInstance(type.getComponentType(), 0);
        }
        if (type == int.class || type == long.class) {
            return type == int.class ? (Object) 1 : (Object) 1L;
        }
        if (type == boolean.class) {
            return true;
        }
        return null; // a type without a sample: the call is made with null there anyway
    }

    @TestFactory
    Stream<DynamicTest> nullIsInvalidSpecNamingTheField() {
        List<DynamicTest> tests = new ArrayList<>();
        OWNERS.forEach((owner, receiver) -> {
            for (Method m : owner.getDeclaredMethods()) {
                boolean isStatic = Modifier.isStatic(m.getModifiers());
                if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic() || (receiver.get() == null) != isStatic) {
                    continue;
                }
                Class<?>[] types = m.getParameterTypes();
                for (int i = 0; i < types.length; i++) {
                    if (types[i].isPrimitive()) {
                        continue;
                    }
                    int position = i;
                    tests.add(DynamicTest.dynamicTest(describe(m, position, false), () -> assertNullRefused(m, receiver, position, false)));
                    if (types[i].isArray() && !types[i].getComponentType().isPrimitive()) {
                        tests.add(DynamicTest.dynamicTest(describe(m, position, true), () -> assertNullRefused(m, receiver, position, true)));
                    }
                }
            }
        });
        assertThat(tests).as("methods found").hasSizeGreaterThan(30);
        return tests.stream();
    }

    private static String describe(Method m, int position, boolean inArray) {
        return m.getDeclaringClass().getSimpleName() + "." + m.getName() + Arrays.toString(m.getParameterTypes())
                + (inArray ? " with a null element in argument " : " with null as argument ") + position;
    }

    private static void assertNullRefused(Method m, Supplier<Object> receiver, int position, boolean inArray) {
        Class<?>[] types = m.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            args[i] = sample(types[i]);
        }
        if (inArray) {
            args[position] = Array.newInstance(types[position].getComponentType(), 1);
        } else {
            args[position] = null;
        }
        Throwable thrown = catchThrowable(() -> {
            try {
                m.invoke(receiver.get(), args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
        assertThat(thrown).as(describe(m, position, inArray)).isInstanceOf(ContainerException.class);
        ContainerException e = (ContainerException) thrown;
        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC);
        assertThat(e.getMessage()).as("names the null value").contains("invalid value null");
    }
}
