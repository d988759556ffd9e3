//! `/deklaracja-dostepnosci`: the accessibility statement required by the
//! Polish act on digital accessibility (ustawa z 4 kwietnia 2019 r.).

use crate::components::PageHeading;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    view! {
        <Title text="Deklaracja dostępności"/>
        <div class="page prose">
            <PageHeading>"Deklaracja dostępności eZUS"</PageHeading>
            <p>
                "Zakład Ubezpieczeń Społecznych zobowiązuje się zapewnić dostępność swojej strony internetowej zgodnie z ustawą z dnia 4 kwietnia 2019 r. o dostępności cyfrowej stron internetowych i aplikacji mobilnych podmiotów publicznych. Deklaracja dotyczy części eZUS służącej do logowania i wyboru konta."
            </p>
            <ul>
                <li>"Data publikacji strony internetowej: 2026-11-22."</li>
                <li>"Data ostatniej istotnej aktualizacji: 2026-11-22."</li>
            </ul>

            <h2>"Stan dostępności"</h2>
            <p>
                "Strona jest projektowana i sprawdzana pod kątem zgodności ze standardem WCAG 2.2 na poziomie AA. Każda strona i każdy stan błędu są automatycznie sprawdzane narzędziem axe-core w przeglądarce Chromium, a logowanie jest testowane także wyłącznie z klawiatury i z wyłączonym JavaScriptem."
            </p>
            <p>"Ułatwienia na stronie:"</p>
            <ul>
                <li>"link „Przejdź do treści” na początku każdej strony,"</li>
                <li>"widoczne zaznaczenie elementu, na którym jest fokus,"</li>
                <li>"strona działa przy szerokości ekranu 320 pikseli i przy powiększeniu tekstu do 200%,"</li>
                <li>"formularze działają bez JavaScriptu, a błędy są zebrane w podsumowaniu, które otrzymuje fokus i jest odczytywane przez czytniki ekranu,"</li>
                <li>"każde pole ma etykietę, a pola z błędem są oznaczone i powiązane z opisem błędu."</li>
            </ul>

            <h2>"Przygotowanie deklaracji"</h2>
            <p>"Deklarację sporządzono 2026-11-22 na podstawie samooceny przeprowadzonej przez zespół eZUS."</p>

            <h2>"Informacje zwrotne i dane kontaktowe"</h2>
            <p>
                "Problemy z dostępnością możesz zgłosić do Centrum Obsługi Telefonicznej ZUS pod numerem 22 560 16 00 lub pocztą elektroniczną na adres cot@zus.pl. Tą samą drogą możesz złożyć wniosek o udostępnienie informacji niedostępnej albo żądanie zapewnienia dostępności."
            </p>

            <h2>"Procedura wnioskowo-skargowa"</h2>
            <p>
                "Każdy ma prawo zażądać zapewnienia dostępności cyfrowej strony internetowej lub jej elementu. Żądanie powinno zawierać dane kontaktowe osoby zgłaszającej, wskazanie strony lub elementu oraz sposób kontaktu. ZUS zrealizuje żądanie niezwłocznie, nie później niż w ciągu 7 dni od jego wystąpienia. Jeżeli dotrzymanie tego terminu nie jest możliwe, ZUS poinformuje o tym, kiedy realizacja będzie możliwa; termin ten nie może być dłuższy niż 2 miesiące. Jeżeli zapewnienie dostępności nie jest możliwe, ZUS może zaproponować alternatywny sposób dostępu do informacji."
            </p>
            <p>
                "Jeżeli ZUS odmówi realizacji żądania, możesz złożyć skargę. Po wyczerpaniu tej procedury możesz złożyć wniosek do Rzecznika Praw Obywatelskich."
            </p>

            <h2>"Dostępność architektoniczna"</h2>
            <p>
                "Informacje o dostępności architektonicznej placówek ZUS, w tym o tłumaczu języka migowego, znajdziesz w opisie każdej placówki na stronie zus.pl."
            </p>
        </div>
    }
}
